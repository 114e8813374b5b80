from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("Facilities")

    def ready(self):
        from accounts.roles import Action
        from victims.history import register_case_history

        from .models import Stay, StayExtension

        for model in (Stay, StayExtension):
            register_case_history(model._meta.label, action=Action.FACILITY_VIEW,
                                  sensitive_fields=model.SENSITIVE_FIELDS, through_case=True)
