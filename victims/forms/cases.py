"""Forms of the case pages: the list filters and the actions on a case. They parse; services decide.

Field names match the keyword arguments of the services, so a `ValidationError` from a service lands
next to the field it is about (`accounts.formviews.submit`).
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.formviews import OneTimeForm
from accounts.models import AdministrativeUnit, Agency
from accounts.roles import Action
from accounts.text import nfc
from accounts.widgets import PlainSelect
from config.uploads import ScanField
from victims.models import (
    Case,
    ClosureReason,
    ConfirmingDocumentType,
    IdentificationResult,
)
from victims.models.followup import DEFAULT_VISIT_INTERVAL_MONTHS
from victims.scoping import POLICE, receiving_agencies
from victims.services import GRANTABLE_ACTIONS
from victims.workflow import (
    ENTERED_BY_CLOSURE,
    ENTERED_BY_IDENTIFICATION_OUTCOME,
    Status,
    next_statuses,
)

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_PLACEHOLDER = "dd/mm/yyyy"  # as typed, in every language


class DateInput(forms.DateInput):
    """dd/mm/yyyy as text (the browser's date picker would show the user's locale, not ours)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric",
                                "autocomplete": "off", **(attrs or {})}, format="%d/%m/%Y")


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, input_formats=DATE_INPUT_FORMATS, widget=DateInput(), **kwargs)


class TextField(forms.CharField):
    """Vietnamese text in NFC before the length check ('ễ' counts as one character)."""

    def to_python(self, value):
        value = super().to_python(value)
        return nfc(value) if isinstance(value, str) else value


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class AgencyChoiceField(forms.ModelChoiceField):
    """Agencies by name, with their province: there are many with similar names."""

    def label_from_instance(self, agency):
        place = agency.jurisdiction.name if agency.jurisdiction_id else ""
        return f"{agency.name} ({place})" if place else agency.name


def searchable(field: forms.Field) -> forms.Field:
    """Marks a long picker for tom-select (static/js/victims.js)."""
    field.widget.attrs["data-searchable"] = "true"
    return field


# ---------------------------------------------------------------------------------------------
# The case list
# ---------------------------------------------------------------------------------------------

# URL value -> selector ordering; a leading "-" sorts descending.
SORT_FIELDS = {
    "number": "case_number",
    "name": "person__name_folded",
    "received": "received_on",
    "status": "status",
    "created": "created_at",
}
DEFAULT_SORT = "-received"


class CaseFilterForm(forms.Form):
    """The filters of the case list, read from the URL. Invalid values are ignored (and shown)."""

    q = TextField(label=_("Name or case number"), required=False, max_length=100)
    # PlainSelect: on every list page; Django's Select renders each option through a template.
    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect,
                               choices=[("", _("All statuses")), *Status.choices])
    province = forms.ModelChoiceField(label=_("Province"), required=False, empty_label=_("All provinces"),
                                      queryset=AdministrativeUnit.objects.none(), widget=PlainSelect)
    receiving_agency = AgencyChoiceField(label=_("Receiving agency"), required=False, widget=PlainSelect,
                                         empty_label=_("All agencies"), queryset=Agency.objects.none())
    received_from = date_field(_("Received from"), required=False)
    received_to = date_field(_("Received until"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["province"].queryset = AdministrativeUnit.objects.current().provinces().order_by("name_folded")
        # The actor's agencies and those of its cases, not a DISTINCT over every case in scope (0.7 s
        # for a province); the list itself is always scoped, whatever agency is chosen.
        self.fields["receiving_agency"].queryset = (
            receiving_agencies(user, Action.CASE_VIEW).select_related("jurisdiction").order_by("name_folded")
        )
        searchable(self.fields["receiving_agency"])
        self.allowed_sorts = set(SORT_FIELDS)
        if not user.can(Action.CASE_VIEW_IDENTITY):
            # Sorting by a name one may not read would reveal the order of the hidden names.
            self.allowed_sorts.discard("name")

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].replace("\x00", "").split())

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date is before the start date."))
        return data

    @property
    def sort_value(self) -> str:
        value = (self.data.get("sort") or "") if self.is_bound else ""
        return value if value.lstrip("-") in self.allowed_sorts else DEFAULT_SORT

    def selector_filters(self) -> dict:
        """Keyword arguments for victims.selectors.case_list from the valid filters."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        sort = self.sort_value
        descending, key = sort.startswith("-"), sort.lstrip("-")
        return {
            "q": data.get("q") or "",
            "status": data.get("status") or None,
            "province": data.get("province"),
            "receiving_agency": data.get("receiving_agency"),
            "received_from": data.get("received_from"),
            "received_to": data.get("received_to"),
            "ordering": ("-" if descending else "") + SORT_FIELDS[key],
        }


# ---------------------------------------------------------------------------------------------
# Actions on a case
# ---------------------------------------------------------------------------------------------

class VerificationRequestForm(OneTimeForm):
    police_agency = AgencyChoiceField(label=_("Police unit"), queryset=Agency.objects.none(),
                                      empty_label=_("Choose a police unit"))
    note = TextField(label=_("Note"), required=False, max_length=2000, widget=textarea())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["police_agency"].queryset = (
            Agency.objects.filter(is_active=True, type__code=POLICE)
            .select_related("jurisdiction").order_by("name_folded")
        )
        searchable(self.fields["police_agency"])


class IdentificationOutcomeForm(OneTimeForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=IdentificationResult.choices,
                                widget=forms.RadioSelect)
    document_type = forms.ChoiceField(label=_("Confirming document"), required=False,
                                      choices=[("", "—"), *ConfirmingDocumentType.choices])
    document_number = TextField(label=_("Document number"), required=False, max_length=50)
    document_date = date_field(_("Document date"), required=False)
    issuing_body = TextField(label=_("Issued by"), required=False, max_length=255)
    scan = ScanField(
        label=_("Scanned document"), required=False,
        help_text=_("PDF, JPG or PNG, at most 10 MB. After an error, choose the file again."),
    )
    note = TextField(label=_("Note"), required=False, max_length=2000, widget=textarea())


class TransitionForm(OneTimeForm):
    """Moves along the state machine that need only a reason (not an outcome, not a closure)."""

    to_status = forms.ChoiceField(label=_("New status"), choices=())
    reason = TextField(label=_("Reason"), max_length=2000, widget=textarea(2))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (status, Status(status).label) for status in transition_targets(case.status)
        ]


def transition_targets(status: str) -> list[str]:
    """The statuses a plain transition may reach from `status` (victims.workflow)."""
    special = ENTERED_BY_CLOSURE | ENTERED_BY_IDENTIFICATION_OUTCOME
    return [target for target in next_statuses(status) if target not in special]


class ReintegrationPlanForm(OneTimeForm):
    starts_on = date_field(_("Follow-up starts on"))
    ends_on = date_field(_("Follow-up ends on"), required=False,
                         help_text=_("Empty: 24 months after the start."))
    visit_interval_months = forms.IntegerField(label=_("Months between visits"), min_value=1,
                                               max_value=12, initial=DEFAULT_VISIT_INTERVAL_MONTHS)
    responsible_agency = AgencyChoiceField(label=_("Agency doing the follow-up"), required=False,
                                           queryset=Agency.objects.none(),
                                           empty_label=_("The agency that owns the case"))
    family_assessment = TextField(label=_("Assessment of the family"), required=False,
                                        max_length=4000, widget=textarea(4))
    goals = TextField(label=_("Goals and support planned"), required=False, max_length=4000,
                            widget=textarea(4))
    safe_escort = forms.BooleanField(label=_("Safe escort home"), required=False,
                                     help_text=_("Mandatory for minors."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_agency"].queryset = (
            Agency.objects.filter(is_active=True).select_related("jurisdiction").order_by("name_folded")
        )
        searchable(self.fields["responsible_agency"])


class FollowUpVisitForm(OneTimeForm):
    visited_on = date_field(_("Date of visit"))
    visitors = TextField(label=_("Who visited"), max_length=255)
    place = TextField(label=_("Where"), max_length=255)
    findings = TextField(label=_("Findings"), max_length=4000, widget=textarea(5))
    next_visit_on = date_field(_("Next visit"), required=False,
                               help_text=_("Empty: one visit interval later, within the follow-up."))


class ClosureForm(OneTimeForm):
    reason = forms.ChoiceField(label=_("Reason for closing"),
                               choices=[("", _("Choose a reason")), *ClosureReason.choices])
    reason_detail = TextField(label=_("Details"), required=False, max_length=2000,
                                    widget=textarea())
    closed_on = date_field(_("Date closed"), required=False, help_text=_("Empty: today."))


class GrantForm(OneTimeForm):
    grantee_agency = AgencyChoiceField(label=_("Agency"), queryset=Agency.objects.none(),
                                       empty_label=_("Choose an agency"))
    actions = forms.MultipleChoiceField(
        label=_("Allowed actions"), widget=forms.CheckboxSelectMultiple, initial=[Action.CASE_VIEW],
        choices=[(action.value, action.label) for action in Action if action in GRANTABLE_ACTIONS],
    )
    reason = TextField(label=_("Reason"), max_length=255)
    expires_at = date_field(_("Until"), required=False, help_text=_("Empty: until revoked."))
    consent_override_reason = TextField(
        label=_("Reason for sharing beyond the victim's consent"), required=False, max_length=2000,
        widget=textarea(),
        help_text=_("Only when the recorded consent does not cover this agency; agency managers only. "
                    "It is recorded, shown on the case page and in the access log."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grantee_agency"].queryset = (
            Agency.objects.filter(is_active=True).exclude(pk=case.owning_agency_id)
            .select_related("jurisdiction").order_by("name_folded")
        )
        searchable(self.fields["grantee_agency"])

    def clean_expires_at(self):
        """The grant runs to the end of the chosen day (Viet Nam time)."""
        day = self.cleaned_data.get("expires_at")
        if day is None:
            return None
        end = datetime.datetime.combine(day, datetime.time(23, 59, 59))
        return timezone.make_aware(end, timezone.get_current_timezone())
