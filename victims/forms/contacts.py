from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action

from ..models import Case, Contact, ContactChannel, ContactKind, ContactOutcome
from .intake import DATE_FORMAT, DateInput, UnitChoiceField, model_field, provinces

DATETIME_FORMAT = "%d/%m/%Y %H:%M"


class CaseNumberField(forms.CharField):
    """A case by its number, among the cases the user may see."""


class ContactForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("Date and time"), input_formats=[DATETIME_FORMAT, DATE_FORMAT],
        widget=forms.DateTimeInput(format=DATETIME_FORMAT, attrs={"placeholder": "dd/mm/yyyy hh:mm",
                                                                  "autocomplete": "off"}),
    )
    channel = model_field(Contact, "channel", choices=[("", "—"), *ContactChannel.choices])
    line = model_field(Contact, "line")
    kind = model_field(Contact, "kind", choices=[("", "—"), *ContactKind.choices])
    province = UnitChoiceField(queryset=provinces(), required=False, label=_("Province"))
    outcome = model_field(Contact, "outcome", choices=[("", "—"), *ContactOutcome.choices])
    duration_minutes = model_field(Contact, "duration_minutes")
    summary = model_field(Contact, "summary")
    case_number = forms.CharField(label=_("Case opened (case number)"), required=False, max_length=40)
    caller_name = model_field(Contact, "caller_name")
    caller_phone = model_field(Contact, "caller_phone")
    caller_note = model_field(Contact, "caller_note")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_case_number(self):
        number = self.cleaned_data["case_number"].strip()
        if not number:
            return None
        case = Case.objects.visible_to(self.user, Action.CASE_VIEW).filter(case_number=number).first()
        if case is None:
            raise forms.ValidationError(_("No case with this number in your files."))
        return case

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["case"] = data.pop("case_number")
        return data

    @staticmethod
    def initial_from(contact: Contact) -> dict:
        initial = {name: getattr(contact, name) for name in (
            "occurred_at", "channel", "line", "kind", "province", "outcome", "duration_minutes", "summary",
            "caller_name", "caller_phone", "caller_note")}
        initial["case_number"] = contact.case.case_number if contact.case_id else ""
        return initial


class ContactFilterForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All channels")), *ContactChannel.choices])
    kind = forms.ChoiceField(label=_("Kind of contact"), required=False, choices=[("", _("All kinds")), *ContactKind.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("All outcomes")), *ContactOutcome.choices])
    province = forms.ModelChoiceField(label=_("Province"), required=False, empty_label=_("All provinces"),
                                      queryset=provinces())
    occurred_from = forms.DateField(label=_("From"), required=False, input_formats=[DATE_FORMAT], widget=DateInput())
    occurred_to = forms.DateField(label=_("Until"), required=False, input_formats=[DATE_FORMAT], widget=DateInput())

    def filters(self) -> dict:
        if not self.is_valid():
            return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return dict(self.cleaned_data)
