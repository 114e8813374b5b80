"""Forms of the duplicate review and the contact log."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.formviews import OneTimeForm

from .intake import NFCCharField


class ReasonForm(OneTimeForm):
    reason = NFCCharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(ReasonForm):
    survivor = forms.TypedChoiceField(label=_("Keep this person"), coerce=int, widget=forms.RadioSelect(
        attrs={"class": "form-check-input"}))

    def __init__(self, *args, sides=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(side["person"].pk, side["label"]) for side in sides]
        self.order_fields(["survivor", "reason"])


class ReferralRequestForm(forms.Form):
    agency = forms.IntegerField(widget=forms.HiddenInput)
