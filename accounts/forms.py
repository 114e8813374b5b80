from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The password step; accounts of machine roles (the partner API) never sign in to the pages."""

    def clean(self):
        from .security import account_is_locked

        if account_is_locked(self.data.get("username")):
            raise forms.ValidationError(
                _("This account is locked after too many failed sign-ins. Ask your agency manager or "
                  "the system administrator to unlock it."),
                code="account_locked",
            )
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.may_use_browser:
            raise forms.ValidationError(
                _("This account is for the partner API only and cannot sign in to the web pages."),
                code="machine_account",
            )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Verification code"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}",
            "autofocus": True,
        }),
        error_messages={
            "required": _("Enter the 6-digit code from your authenticator app."),
            "min_length": _("The code has 6 digits."),
            "max_length": _("The code has 6 digits."),
        },
    )

    def __init__(self, *args, device=None, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("The code has 6 digits."))
        if self.device is None or not self.device.verify_token(token):
            raise forms.ValidationError(_("The code is wrong or has expired. Try the current code."))
        return token
