from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.text import fold, nfc


class EthnicGroup(models.Model):
    """The 54 ethnic groups of Viet Nam, coded as in the GSO list (01 Kinh … 54 Rơ Măm). Data."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_folded = models.CharField(max_length=60, editable=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("ethnic group")
        verbose_name_plural = _("ethnic groups")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)
