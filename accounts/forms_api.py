from django import forms
from django.utils.translation import gettext_lazy as _

from .apiclients import MAX_TOKEN_DAYS, WEBHOOK_EVENTS
from .models import ApiScope
from .roles import API_CLIENT_ROLES, Role

EVENT_CHOICES = [
    ("support.decision_made", _("A support request was decided")),
    ("referral.created", _("A referral was sent to the agency")),
    ("referral.decided", _("A referral was accepted or declined")),
    ("report.accepted", _("The ministry accepted a periodic report of the province")),
]
assert {code for code, _label in EVENT_CHOICES} == set(WEBHOOK_EVENTS)


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Name of the partner system"), max_length=150)
    role = forms.ChoiceField(
        label=_("Acts with the role"), initial=Role.PARTNER_API,
        choices=[(role.value, role.label) for role in API_CLIENT_ROLES],
        help_text=_("The client sees and does exactly what a user of this agency with this role would."),
    )
    webhook_url = forms.URLField(label=_("Webhook address (optional)"), required=False, assume_scheme="https")
    webhook_events = forms.MultipleChoiceField(label=_("Events sent to the webhook"), required=False,
                                               choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple)


class WebhookForm(forms.Form):
    webhook_url = forms.URLField(label=_("Webhook address"), required=False, assume_scheme="https")
    webhook_events = forms.MultipleChoiceField(label=_("Events sent to the webhook"), required=False,
                                               choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple)


class TokenForm(forms.Form):
    scopes = forms.MultipleChoiceField(label=_("What the token may be used for"), choices=ApiScope.choices,
                                       widget=forms.CheckboxSelectMultiple)
    expires_in_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=MAX_TOKEN_DAYS,
                                         initial=90)


class RotateForm(forms.Form):
    expires_in_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=MAX_TOKEN_DAYS,
                                         initial=90)
