"""PlainSelect writes the same select as Django's, option for option."""

import pytest
from django import forms
from django.test.html import parse_html

from accounts.widgets import PlainSelect

CHOICES = [
    ("", "Tất cả tỉnh"),
    ("1", "Hà Nội"),
    ("2", 'Lạng Sơn <"&">'),  # escaped in labels
    ("Nhóm", [("a&b", "Trung tâm A & B"), ("3", "Đồn Biên phòng")]),  # an optgroup
]


def _both(value, attrs=None, choices=CHOICES):
    ours = PlainSelect(choices=choices).render("province", value, attrs=attrs)
    django = forms.Select(choices=choices).render("province", value, attrs=attrs)
    return parse_html(ours), parse_html(django)


@pytest.mark.parametrize("value", [None, "", "2", "a&b", "not a choice"])
def test_the_markup_is_djangos(value):
    ours, django = _both(value, attrs={"id": "id_province", "class": "form-select", "data-searchable": "true",
                                       "aria-invalid": True, "disabled": False})
    assert ours == django


def test_the_selected_option_and_escaping_are_kept():
    html = str(PlainSelect(choices=CHOICES).render("province", "2"))
    assert '<option value="2" selected>Lạng Sơn &lt;&quot;&amp;&quot;&gt;</option>' in html
    assert '<optgroup label="Nhóm">' in html
    assert html.count("selected") == 1


@pytest.mark.django_db
def test_the_case_filters_render_as_before():
    from tests.factories import province
    from victims.forms.cases import CaseFilterForm

    lang_son = province("lang son")
    data, user = {"province": str(lang_son.pk), "status": "registered"}, _anyone()
    ours, theirs = CaseFilterForm(data, user=user), CaseFilterForm(data, user=user)
    for name in ("province", "status", "receiving_agency"):
        assert isinstance(ours.fields[name].widget, PlainSelect)
        field = theirs.fields[name]
        field.widget = forms.Select(attrs=field.widget.attrs)
        field.widget.choices = field.choices
        assert parse_html(ours[name].as_widget()) == parse_html(theirs[name].as_widget())
    assert f'value="{lang_son.pk}" selected' in ours["province"].as_widget()


def _anyone():
    from tests.factories import MembershipFactory

    return MembershipFactory().user
