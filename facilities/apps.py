from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("Facilities")

    def ready(self):
        from victims.history import register_sensitive_history_fields

        from .models import Stay, StayExtension

        register_sensitive_history_fields("facilities.Stay", Stay.SENSITIVE_FIELDS)
        register_sensitive_history_fields("facilities.StayExtension", StayExtension.SENSITIVE_FIELDS)
