from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VictimsConfig(AppConfig):
    name = "victims"
    verbose_name = _("Victim case files")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import CaseAccessGrant
        from .scoping import grants_changed

        # The bound actors' resolved grant ids (victims.scoping) are read again after any grant write.
        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: grants_changed(), sender=CaseAccessGrant, weak=False,
                           dispatch_uid=f"grants_changed_{signal is post_save}")
