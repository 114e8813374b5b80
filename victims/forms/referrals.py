"""Forms of referrals and handovers. They parse; victims.referrals decides (field names are the
services' keyword arguments, so a service's error lands next to its field)."""

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.formviews import OneTimeForm
from accounts.models import Agency
from victims.models import Case, CaseChild, ReferralStatus, ServiceKind, SharedPart, Urgency
from victims.readmodel import person_name

from .cases import AgencyChoiceField, TextField, date_field, searchable, textarea


def service_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Service kinds, then the entitlement items of the policy version in force (`item:<code>`)."""
    from support.policy import version_in_force

    kinds = [(kind.value, kind.label) for kind in ServiceKind]
    version = version_in_force(timezone.localdate())
    english = (translation.get_language() or "vi").startswith("en")
    items = [] if version is None else [
        (f"item:{item.code}", item.name_en if english else item.name_vi)
        for item in version.items.order_by("regime", "sort_order", "pk")
    ]
    groups = [(_("Kinds of service"), kinds)]
    if items:
        groups.append((_("Support items of the catalogue"), items))
    return groups


class ReferralForm(OneTimeForm):
    receiving_agency = AgencyChoiceField(label=_("Receiving agency"), queryset=Agency.objects.none(),
                                         empty_label=_("Choose an agency"),
                                         help_text=_("Type part of the name, with or without diacritics."))
    reason = TextField(label=_("Reason for the referral"), max_length=2000, widget=textarea())
    services = forms.MultipleChoiceField(label=_("Services requested"), widget=forms.SelectMultiple)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    shared_parts = forms.MultipleChoiceField(
        label=_("What is shared"), widget=forms.CheckboxSelectMultiple, required=False,
        choices=SharedPart.choices,
        help_text=_("The receiving agency sees the case number and status, and only the parts ticked here, "
                    "once it accepts. Within the victim's consent."),
    )
    note = TextField(label=_("Note"), max_length=2000, required=False, widget=textarea())
    consent_override_reason = TextField(
        label=_("Reason for sharing beyond the victim's consent"), required=False, max_length=2000,
        widget=textarea(),
        help_text=_("Only when the recorded consent does not cover this agency; agency managers only. "
                    "It is recorded, shown on the case page and in the access log."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_agency"].queryset = (
            Agency.objects.filter(is_active=True).exclude(pk=case.owning_agency_id)
            .select_related("jurisdiction").order_by("name_folded")
        )
        searchable(self.fields["receiving_agency"])
        self.fields["services"].choices = service_choices()
        searchable(self.fields["services"])


class AnswerForm(OneTimeForm):
    """Accept (note optional) or decline (reason required by the service)."""

    reason = TextField(label=_("Reason"), max_length=2000, required=False, widget=textarea(2))


class HandoverForm(OneTimeForm):
    handed_over_on = date_field(_("Date of the handover"))
    place = TextField(label=_("Place of the handover"), max_length=255)
    handed_by_name = TextField(label=_("Handed over by (name and title)"), max_length=255)
    received_by_name = TextField(label=_("Received by (name and title)"), max_length=255)
    children = forms.ModelMultipleChoiceField(
        label=_("Accompanying children handed over"), queryset=CaseChild.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    escort_name = TextField(label=_("Escort (name)"), max_length=200, required=False,
                            help_text=_("Required when a minor is handed over."))
    escort_role = TextField(label=_("Escort (title and agency)"), max_length=255, required=False)
    papers = TextField(label=_("Papers handed over"), max_length=2000, required=False, widget=textarea(2))
    belongings = TextField(label=_("Belongings handed over"), max_length=2000, required=False, widget=textarea(2))
    note = TextField(label=_("Note"), max_length=2000, required=False, widget=textarea(2))

    def __init__(self, *args, children, identity_visible: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        field.queryset = children
        field.label_from_instance = lambda link: (
            f"{person_name(link.person, identity_visible)} · {link.person.birth_display or '—'}")
        if not self.is_bound:
            self.initial.setdefault("handed_over_on", timezone.localdate())
            self.initial.setdefault("children", list(children))


INBOX_STATUSES = [
    ("open", _("Open (waiting or accepted)")),
    *ReferralStatus.choices,
    ("all", _("All")),
]


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=INBOX_STATUSES, required=False,
                               widget=forms.Select(attrs={"class": "form-select"}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=[("", _("Any")), *Urgency.choices], required=False,
                                widget=forms.Select(attrs={"class": "form-select"}))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
