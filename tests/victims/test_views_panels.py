"""The case page's extension point (victims.panels): other apps' cards, shown only when they can be."""

import pytest
from django.http import Http404
from django.urls import reverse

from victims import panels
from victims.panels import CasePanel, register_case_panel

from .factories import CaseFactory
from .test_views_cases import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel_templates(settings, tmp_path, monkeypatch):
    """A template folder of our own, and a registry holding only the panels of the test."""
    folder = tmp_path / "templates" / "demo"
    folder.mkdir(parents=True)
    (folder / "_panel.html").write_text(
        '<section class="card"><h2>Hỗ trợ</h2>'
        '<p data-testid="demo-panel">{{ demo.text }} · {{ case.case_number }} · {{ identity_visible }}</p></section>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "templates"]}]
    monkeypatch.setattr(panels, "_PANELS", {})
    panels._resolve.cache_clear()
    yield
    panels._resolve.cache_clear()


def test_a_registered_panel_is_rendered_with_its_context_and_the_case(world, panel_templates):
    calls = []

    def summary(user, case):
        calls.append((user, case.pk))
        return {"text": "Đã chi 1.000.000 ₫"}

    register_case_panel(CasePanel(key="demo", template="demo/_panel.html", context=summary,
                                  context_name="demo"))
    case = CaseFactory(receiving_agency=world.centre_ls)
    html = client_as(world.caseworker_ls).get(reverse("victims:case_detail", args=[case.pk])).content.decode()
    assert f"Đã chi 1.000.000 ₫ · {case.case_number} · True" in html
    assert 'data-panel="demo"' in html and "Hỗ trợ" in html
    assert calls == [(world.caseworker_ls, case.pk)]


@pytest.mark.parametrize("outcome", ["none", "404", "403"])
def test_a_panel_the_user_may_not_see_is_left_out(world, panel_templates, outcome):
    from django.core.exceptions import PermissionDenied

    def summary(user, case):
        if outcome == "404":
            raise Http404
        if outcome == "403":
            raise PermissionDenied
        return None

    register_case_panel(CasePanel(key="demo", template="demo/_panel.html", context=summary))
    case = CaseFactory(receiving_agency=world.centre_ls)
    response = client_as(world.caseworker_ls).get(reverse("victims:case_detail", args=[case.pk]))
    assert response.status_code == 200 and 'data-panel="demo"' not in response.content.decode()


def test_optional_panels_wait_for_their_code_and_template(world, panel_templates):
    register_case_panel(CasePanel(key="later", template="demo/_panel.html",
                                  context="no_such_app.selectors.summary", optional=True))
    register_case_panel(CasePanel(key="no_template", template="demo/_missing.html",
                                  context="victims.selectors.case_display_name", optional=True))
    register_case_panel(CasePanel(key="ready", template="demo/_panel.html",
                                  context="victims.selectors.case_display_name", context_name="demo",
                                  optional=True))
    case = CaseFactory(receiving_agency=world.centre_ls)
    assert [p.key for p in panels.panels_for(world.caseworker_ls, case)] == ["ready"]


def test_a_broken_mandatory_panel_fails_loudly(world, panel_templates):
    register_case_panel(CasePanel(key="broken", template="demo/_panel.html",
                                  context="no_such_app.selectors.summary"))
    with pytest.raises(ImportError):
        panels.panels_for(world.caseworker_ls, CaseFactory(receiving_agency=world.centre_ls))


def test_the_support_and_facilities_panels_are_wired_and_not_optional():
    """A shipped panel whose selector or template is missing must fail, not hide."""
    wired = {p.key: p for p in panels.registered_panels()}
    assert wired["support"].context == "support.selectors.support_summary_for_case"
    assert wired["support"].template == "support/_case_summary.html"
    assert wired["support"].context_name == "support_summary"
    assert not wired["facilities"].optional and not wired["support"].optional
    for panel in wired.values():
        assert panels._resolve(panel) is not None
