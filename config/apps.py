"""Third-party apps under names our users can read in the administration (Vietnamese via gettext)."""

from axes.apps import AppConfig as BaseAxesConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as BaseTotpConfig


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Sign-in attempts and lockouts")


class TotpConfig(BaseTotpConfig):
    verbose_name = _("Two-step sign-in")

    def ready(self):
        super().ready()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # django-otp names the model in plain English, without gettext.
        TOTPDevice._meta.verbose_name = _("authenticator app")
        TOTPDevice._meta.verbose_name_plural = _("authenticator apps")
