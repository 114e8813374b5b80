"""Forms of the facility pages: they parse and show what was typed; the services validate and write."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit

from .choices import (
    DischargeDestination,
    DossierDocument,
    FollowUpStatus,
    InspectionForm,
    InspectionKind,
    Service,
)
from .models import Facility

DATE_FORMAT = "%d/%m/%Y"


class DateInput(forms.DateInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off", **(attrs or {})},
                         format=DATE_FORMAT)


def date_field(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


def text_area(label, required=True, rows=3, max_length=2000, **kwargs):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def services_field(label, choices=None, required=True):
    return forms.MultipleChoiceField(label=label, required=required, choices=choices or Service.choices,
                                     widget=forms.CheckboxSelectMultiple)


class Form(forms.Form):
    """Labels start with a capital letter (the model's verbose names, reused as labels, do not)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)


class FacilityForm(forms.ModelForm):
    services = services_field(_("services offered"), required=False)

    class Meta:
        model = Facility
        fields = [
            "code", "name", "type", "owner_agency", "province", "commune", "address_detail",
            "contact_person", "phone", "email", "rooms", "beds", "gender_policy", "accepts_children",
            "services", "staff_count", "staff_qualifications", "funding_source", "funding_detail", "status",
        ]
        widgets = {"staff_qualifications": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owner_agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = owner_agencies
        self.fields["province"].queryset = AdministrativeUnit.objects.current().provinces().order_by("name_folded")
        province_id = self.data.get("province") if self.is_bound else self.instance.province_id
        communes = AdministrativeUnit.objects.none()
        if province_id and str(province_id).isdigit():
            communes = AdministrativeUnit.objects.current().communes().filter(parent_id=province_id)
        self.fields["commune"].queryset = communes.order_by("name_folded")
        self.fields["province"].widget.attrs.update({
            "hx-get": reverse("facilities:communes"), "hx-target": "#id_commune", "hx-swap": "innerHTML",
        })
        if not self.instance.pk:
            del self.fields["status"]
        for field in self.fields.values():
            field.label = capfirst(field.label)

    def _post_clean(self):
        """The services validate the facility (with the user's scope); the form only parses."""


class CaseLookupForm(Form):
    case_number = forms.CharField(
        label=_("case number"), max_length=40,
        help_text=_("The case number (dashes, capitals and leading zeros may be left out) or the person's "
                    "name without diacritics; matching cases are offered as you type."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-case-search": "",
                                      "aria-controls": "case-suggestions"}),
    )


class AdmissionForm(Form):
    persons = forms.TypedMultipleChoiceField(label=_("who is admitted"), coerce=int,
                                             widget=forms.CheckboxSelectMultiple)
    admitted_on = date_field(_("date admitted"), initial=timezone.localdate)
    room = forms.CharField(label=_("room"), max_length=50, required=False)
    bed = forms.CharField(label=_("bed"), max_length=50, required=False)
    services = services_field(_("services needed besides accommodation"), required=False)
    admission_reason = text_area(_("reason for admission"))

    def __init__(self, *args, persons, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].choices = persons
        self.fields["services"].choices = [(value, label) for value, label in Service.choices
                                           if value in services and value != Service.ACCOMMODATION]


class ExtensionForm(Form):
    new_ends_on = date_field(_("new end date"))
    decided_on = date_field(_("date of the decision"), initial=timezone.localdate)
    decision_number = forms.CharField(label=_("decision number"), max_length=50, required=False)
    reason = text_area(_("reason"))


class DischargeForm(Form):
    discharged_on = date_field(_("date discharged"), initial=timezone.localdate)
    destination = forms.ChoiceField(
        label=_("destination"), widget=forms.RadioSelect,
        choices=DischargeDestination.choices,
    )
    destination_detail = forms.CharField(label=_("destination details"), max_length=255, required=False,
                                         help_text=_("E.g. the family's commune, or the other facility."))
    note = text_area(_("notes on the discharge"), required=False)


class TransferForm(Form):
    to_facility = forms.ModelChoiceField(label=_("facility transferred to"), queryset=Facility.objects.none())
    transferred_on = date_field(_("date of the transfer"), initial=timezone.localdate)
    room = forms.CharField(label=_("room"), max_length=50, required=False)
    bed = forms.CharField(label=_("bed"), max_length=50, required=False)
    reason = text_area(_("reason for the transfer"))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_facility"].queryset = targets
        self.fields["to_facility"].label_from_instance = lambda f: f"{f.name} ({f.province.name})"


class ApplicationForm(Form):
    applicant = forms.CharField(label=_("applicant"), max_length=255)
    submitted_on = date_field(_("date submitted"), initial=timezone.localdate)
    documents = forms.MultipleChoiceField(label=_("documents received"), choices=DossierDocument.choices,
                                          widget=forms.CheckboxSelectMultiple, required=False)
    documents_note = text_area(_("notes on the documents"), required=False)
    proposed_services = services_field(_("proposed services"))
    proposed_capacity = forms.IntegerField(label=_("proposed capacity (beds)"), min_value=1, max_value=32767)


class AppraisalForm(Form):
    appraised_on = date_field(_("date appraised"), initial=timezone.localdate)
    recommend = forms.TypedChoiceField(
        label=_("result of the appraisal"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", _("Recommend a licence to the provincial chairman")),
                 ("no", _("Return the application"))],
    )
    note = text_area(_("appraisal findings"), max_length=4000)


class DecisionForm(Form):
    granted = forms.TypedChoiceField(
        label=_("decision"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", _("Licence granted")), ("no", _("Licence refused"))],
    )
    decided_on = date_field(_("date of the decision"), initial=timezone.localdate)
    decision_number = forms.CharField(label=_("decision number"), max_length=50)
    decision_signer = forms.CharField(label=_("signed by"), max_length=150)
    licence_number = forms.CharField(label=_("licence number"), max_length=50, required=False)
    valid_until = date_field(_("valid until"), required=False,
                             help_text=_("At most 5 years from the issue date."))
    services = services_field(_("licensed services"), required=False)
    capacity = forms.IntegerField(label=_("licensed capacity (beds)"), min_value=1, max_value=32767,
                                  required=False)
    note = text_area(_("reasons"), required=False, max_length=4000)


class LicenceChangeForm(Form):
    on_date = date_field(_("date"), initial=timezone.localdate)
    decision_number = forms.CharField(label=_("decision number"), max_length=50, required=False)
    reason = text_area(_("reason"))


class InspectionCreateForm(Form):
    form = forms.ChoiceField(label=_("form"), choices=InspectionForm.choices)
    kind = forms.ChoiceField(label=_("kind"), choices=InspectionKind.choices, widget=forms.RadioSelect)
    team = text_area(_("inspection team"), help_text=_("Names and positions, one per line."))
    scheduled_on = date_field(_("scheduled for"), required=False,
                              help_text=_("For an inspection still to come."))
    inspected_on = date_field(_("date of the inspection"), required=False,
                              help_text=_("For an inspection that took place: record its findings."))
    findings = text_area(_("findings"), required=False, rows=5, max_length=8000)
    required_actions = text_area(_("required actions"), required=False, max_length=4000)
    follow_up_due = date_field(_("actions due by"), required=False)


class FindingsForm(Form):
    inspected_on = date_field(_("date of the inspection"), initial=timezone.localdate)
    team = text_area(_("inspection team"))
    findings = text_area(_("findings"), rows=5, max_length=8000)
    required_actions = text_area(_("required actions"), required=False, max_length=4000)
    follow_up_due = date_field(_("actions due by"), required=False)


class FollowUpForm(Form):
    status = forms.ChoiceField(
        label=_("progress"), widget=forms.RadioSelect,
        choices=[(FollowUpStatus.IN_PROGRESS, FollowUpStatus.IN_PROGRESS.label),
                 (FollowUpStatus.DONE, FollowUpStatus.DONE.label)],
    )
    note = text_area(_("what was done"))
    closed_on = date_field(_("actions completed on"), required=False)
