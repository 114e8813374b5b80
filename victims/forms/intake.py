"""Forms of the intake wizard: reception (tiếp nhận) and the declaration (tờ khai), step by step.

The forms parse what was typed and keep it for a re-render; the services validate the data and write
it. Labels and help texts come from the models, so the UI and the change history use the same words.
"""

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit
from accounts.text import nfc

from ..countries import country_choices
from ..models import (
    Case,
    CaseChild,
    ChildRelationship,
    Consent,
    EthnicGroup,
    Person,
    ReceptionChannel,
    SharingParty,
    TraffickingPurpose,
)

DATE_FORMAT = "%d/%m/%Y"


class NFCCharField(forms.CharField):
    """Vietnamese text in one normal form (NFC) before any length check: 'ễ' is one character."""

    def to_python(self, value):
        value = super().to_python(value)
        return nfc(value) if isinstance(value, str) else value


class DateInput(forms.DateInput):
    """A text input for dd/mm/yyyy (the format officials type and read)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off", "inputmode": "numeric", **(attrs or {})},
            format=DATE_FORMAT,
        )


class UnitChoiceField(forms.ModelChoiceField):
    """A province or commune by name; searchable in the browser (static/js/intake.js)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "—")
        kwargs.setdefault("widget", forms.Select(attrs={"data-searchable": ""}))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return obj.name


def model_field(model, name: str, **kwargs) -> forms.Field:
    """The model field's own form field (label, help text, max length), with our text and date inputs."""
    field = model._meta.get_field(name)
    if isinstance(field, models.CharField | models.TextField) and not field.choices:
        kwargs.setdefault("form_class", NFCCharField)
    if isinstance(field, models.TextField):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
    if isinstance(field, models.DateField):
        kwargs.setdefault("widget", DateInput())
    return field.formfield(**kwargs)


def label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


def provinces():
    return AdministrativeUnit.objects.current().provinces().order_by("name_folded")


def communes():
    return AdministrativeUnit.objects.current().communes()


def _country_codes() -> list[tuple[str, str]]:
    # Only real two-letter codes: a picker must never offer anything the model would refuse.
    return [(code, name) for code, name in country_choices() if len(code) == 2 and code.isalpha()]


def nationality_choices():
    return [("", _("Stateless or unknown")), *_country_codes()]


def destination_choices():
    return [("", "—"), *_country_codes()]


def checkboxes(choices, text, required=False):
    return forms.MultipleChoiceField(
        label=text, choices=choices, required=required,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class WizardForm(forms.Form):
    """A step's form: fields laid out in rows (a tuple of field names per row)."""

    rows: tuple[tuple[str, ...], ...] = ()

    def layout(self):
        names = self.rows or tuple((name,) for name in self.fields)
        return [[self[name] for name in row if name in self.fields] for row in names]


class BirthFieldsMixin:
    """Date of birth, or only the year: both may be given only when they agree."""

    @property
    def error_aliases(self) -> dict[str, str]:
        # The year is derived from a date typed in: an error about it belongs next to the date.
        return {"birth_year": "date_of_birth"} if self.cleaned_data.get("date_of_birth") else {}

    def clean(self):
        cleaned = super().clean()
        born, year = cleaned.get("date_of_birth"), cleaned.get("birth_year")
        if born and year and born.year != year:
            self.add_error("birth_year", _("The year of birth does not match the date of birth."))
        return cleaned


def birth_fields():
    return {
        "date_of_birth": model_field(Person, "date_of_birth"),
        "birth_year": model_field(
            Person, "birth_year", min_value=None, max_value=None,
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "yyyy"}),
        ),
    }


# ---------------------------------------------------------------------------------------------
# Reception (tiếp nhận)
# ---------------------------------------------------------------------------------------------

class ReceptionFieldsMixin(forms.Form):
    reception_channel = model_field(Case, "reception_channel", choices=[("", "—"), *ReceptionChannel.choices])
    received_on = model_field(Case, "received_on")
    reception_place = model_field(Case, "reception_place")
    reception_province = UnitChoiceField(
        queryset=provinces(), required=False, label=label(Case, "reception_province"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reception_place"].help_text = _("E.g. the border gate, the police station, the address.")


class ReceptionForm(BirthFieldsMixin, ReceptionFieldsMixin, WizardForm):
    """The reception: how, when and where; who (minimal identity); what is needed at once."""

    token = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": _("This form has expired. Check the data and submit it again."),
        "invalid": _("This form has expired. Check the data and submit it again."),
    })
    full_name = model_field(Person, "full_name")
    sex = model_field(Person, "sex", widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    date_of_birth = birth_fields()["date_of_birth"]
    birth_year = birth_fields()["birth_year"]
    immediate_needs = model_field(Case, "immediate_needs")

    rows = (
        ("reception_channel", "received_on"),
        ("reception_place", "reception_province"),
        ("full_name",),
        ("sex", "date_of_birth", "birth_year"),
        ("immediate_needs",),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["immediate_needs"].help_text = _("Food, clothes, medical care, a place to stay, an interpreter…")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("token")
        return data


class ReceptionEditForm(ReceptionFieldsMixin, WizardForm):
    """Correct the reception details later (the receiving agency stays the same)."""

    rows = (("reception_channel", "received_on"), ("reception_place", "reception_province"))
    # A changed reception date may conflict with a date of birth: show it on the reception date.
    error_aliases = {"date_of_birth": "received_on", "birth_year": "received_on"}

    @staticmethod
    def initial_from(case: Case) -> dict:
        return {name: getattr(case, name) for name in (
            "reception_channel", "received_on", "reception_place", "reception_province")}


# ---------------------------------------------------------------------------------------------
# The declaration (tờ khai)
# ---------------------------------------------------------------------------------------------

class IdentityForm(BirthFieldsMixin, WizardForm):
    full_name = model_field(Person, "full_name")
    other_names = model_field(Person, "other_names")
    sex = model_field(Person, "sex", widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    date_of_birth = birth_fields()["date_of_birth"]
    birth_year = birth_fields()["birth_year"]
    ethnicity = forms.ModelChoiceField(
        queryset=EthnicGroup.objects.order_by("sort_order", "code"), required=False, empty_label="—",
        label=label(Person, "ethnicity"),
        widget=forms.Select(attrs={"data-searchable": ""}),
    )
    nationality = forms.ChoiceField(
        choices=nationality_choices, required=False, label=label(Person, "nationality"),
        widget=forms.Select(attrs={"data-searchable": ""}),
    )
    id_paper_type = model_field(Person, "id_paper_type")
    id_paper_number = model_field(Person, "id_paper_number")

    rows = (
        ("full_name", "other_names"),
        ("sex", "date_of_birth", "birth_year"),
        ("ethnicity", "nationality"),
        ("id_paper_type", "id_paper_number"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_paper_number"].help_text = _(
            "CCCD: 12 digits; CMND: 9 digits; passport: one letter and 7 digits."
        )

    @staticmethod
    def initial_from(person: Person) -> dict:
        return {name: getattr(person, name) for name in (
            "full_name", "other_names", "sex", "date_of_birth", "birth_year", "ethnicity", "nationality",
            "id_paper_type", "id_paper_number")}


class AddressForm(WizardForm):
    home_province = UnitChoiceField(
        queryset=provinces(), required=False, label=label(Person, "home_province"),
    )
    home_commune = UnitChoiceField(
        queryset=communes(), required=False, label=label(Person, "home_commune"), widget=forms.Select,
    )
    home_address_detail = model_field(Person, "home_address_detail")
    abroad_address = model_field(Person, "abroad_address", widget=forms.Textarea(attrs={"rows": 2}))

    rows = (("home_province", "home_commune"), ("home_address_detail",), ("abroad_address",))

    def __init__(self, *args, commune_search_url: str = "", list_communes: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not list_communes:
            return  # checked, never shown (an import's row): the picker's list is not needed
        commune = self.fields["home_commune"]
        commune.help_text = _("Type a few letters of the name, with or without diacritics.")
        commune.widget.attrs.update({
            "data-commune-picker": "", "data-url": commune_search_url,
            "data-province-field": self["home_province"].auto_id,
        })
        # Only the communes of the chosen province are listed (3,321 in all): the picker searches
        # the others. Any current commune is still accepted, and the service checks its province.
        province_id = self._value_of("home_province")
        selected_id = self._value_of("home_commune")
        listed = communes().filter(parent_id=province_id) if province_id else communes().none()
        if selected_id:
            listed = listed | communes().filter(pk=selected_id)
        commune.widget.choices = [("", "—"), *((u.pk, u.name) for u in listed.order_by("name_folded"))]

    def _value_of(self, name: str) -> int | None:
        value = self[name].value()
        value = getattr(value, "pk", value)
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    @staticmethod
    def initial_from(person: Person) -> dict:
        return {name: getattr(person, name) for name in (
            "home_province", "home_commune", "home_address_detail", "abroad_address")}


class LanguageForm(WizardForm):
    language = model_field(Person, "language")
    interpreter_needed = model_field(Person, "interpreter_needed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].help_text = _("The language the person speaks best, e.g. Tiếng Việt, Tiếng Mông.")

    @staticmethod
    def initial_from(person: Person) -> dict:
        return {"language": person.language, "interpreter_needed": person.interpreter_needed}


class TraffickingForm(WizardForm):
    destination_country = forms.ChoiceField(
        choices=destination_choices, required=False,
        label=label(Case, "destination_country"),
        widget=forms.Select(attrs={"data-searchable": ""}),
    )
    destination_province = UnitChoiceField(
        queryset=provinces(), required=False, label=label(Case, "destination_province"),
        help_text=Case._meta.get_field("destination_province").help_text,
    )
    purposes = checkboxes(TraffickingPurpose.choices, label(Case, "purposes"))
    purpose_other = model_field(Case, "purpose_other")
    recruitment = model_field(Case, "recruitment")
    means_of_control = model_field(Case, "means_of_control")
    trafficked_from = model_field(Case, "trafficked_from")
    trafficked_until = model_field(Case, "trafficked_until")

    rows = (
        ("destination_country", "destination_province"),
        ("purposes",),
        ("purpose_other",),
        ("recruitment",),
        ("means_of_control",),
        ("trafficked_from", "trafficked_until"),
    )

    @staticmethod
    def initial_from(case: Case) -> dict:
        return {name: getattr(case, name) for name in (
            "destination_country", "destination_province", "purposes", "purpose_other", "recruitment",
            "means_of_control", "trafficked_from", "trafficked_until")}


class ChildForm(BirthFieldsMixin, WizardForm):
    full_name = model_field(Person, "full_name")
    sex = model_field(Person, "sex", widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    date_of_birth = birth_fields()["date_of_birth"]
    birth_year = birth_fields()["birth_year"]
    relationship = model_field(CaseChild, "relationship", choices=[("", "—"), *ChildRelationship.choices])
    relationship_note = model_field(CaseChild, "relationship_note")

    rows = (
        ("full_name",),
        ("sex", "date_of_birth", "birth_year"),
        ("relationship", "relationship_note"),
    )


class NeedsForm(WizardForm):
    immediate_needs = model_field(Case, "immediate_needs", widget=forms.Textarea(attrs={"rows": 6}))
    health_notes = model_field(Case, "health_notes", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["immediate_needs"].help_text = _("Food, clothes, medical care, a place to stay, an interpreter…")
        self.fields["health_notes"].help_text = _(
            "Injuries, illnesses, pregnancy, medicines. Shared only with agencies given the health part.")

    @staticmethod
    def initial_from(case: Case) -> dict:
        return {"immediate_needs": case.immediate_needs, "health_notes": case.health_notes}


class ConsentForm(WizardForm):
    """Consent to share information (or its refusal), for the victim or an accompanying child."""

    person = forms.TypedChoiceField(coerce=int, label=_("Whose consent"))
    given = forms.TypedChoiceField(
        label=label(Consent, "given"), coerce=lambda value: value == "yes",
        choices=[("yes", _("Agrees to share information")), ("no", _("Refuses to share information"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}), initial="yes",
    )
    share_with = checkboxes(SharingParty.choices, label(Consent, "share_with"))
    share_with_detail = model_field(Consent, "share_with_detail")
    recorded_on = model_field(Consent, "recorded_on")
    guardian_name = model_field(Consent, "guardian_name")
    guardian_relationship = model_field(Consent, "guardian_relationship")
    note = model_field(Consent, "note")

    rows = (
        ("person", "recorded_on"),
        ("given",),
        ("share_with",),
        ("share_with_detail",),
        ("guardian_name", "guardian_relationship"),
        ("note",),
    )

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.persons = {person.pk: person for person in persons}
        today = timezone.localdate()
        self.fields["person"].choices = [
            (pk, _("%(name)s (under 18)") % {"name": person.full_name} if person.is_minor_on(today)
             else person.full_name)
            for pk, person in self.persons.items()
        ]
        self.fields["share_with_detail"].help_text = _("E.g. the name of the organisation or of the relative.")
        self.fields["guardian_name"].help_text = _("Required when the person is under 18.")
        self.fields["recorded_on"].initial = today

    def clean_person(self):
        return self.persons[self.cleaned_data["person"]]


