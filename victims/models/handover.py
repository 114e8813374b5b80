"""Handovers (bàn giao): after an accepted referral the owner hands the case, the person and the
children with their papers and belongings to the receiving agency; a handover record is issued."""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency

from ..text import CleanTextModel
from .access import CaseAccessGrant
from .case import Case, CaseChild
from .person import history_trackers
from .querysets import CaseScopedQuerySet
from .referral import Referral


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be prepared")


def handover_upload_to(instance, filename):
    # A random name: never the victim's name in a file path.
    return f"victims/handovers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


def _user_fk(verbose_name, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=verbose_name, **kwargs
    )


@pghistory.track(*history_trackers(), append_only=True)
class Handover(CleanTextModel):
    case = models.ForeignKey(Case, models.CASCADE, related_name="handovers", verbose_name=_("case"))
    referral = models.OneToOneField(Referral, models.PROTECT, related_name="handover", verbose_name=_("referral"))
    from_agency = models.ForeignKey(Agency, models.PROTECT, related_name="+", verbose_name=_("handing over"))
    to_agency = models.ForeignKey(Agency, models.PROTECT, related_name="+", verbose_name=_("receiving"))
    handed_over_on = models.DateField(_("date of the handover"))
    place = models.CharField(_("place of the handover"), max_length=255)
    handed_by_name = models.CharField(_("handed over by (name and title)"), max_length=255)
    received_by_name = models.CharField(_("received by (name and title)"), max_length=255)
    children = models.ManyToManyField(CaseChild, blank=True, related_name="handovers",
                                      verbose_name=_("accompanying children handed over"))
    escort_name = models.CharField(_("escort (name)"), max_length=200, blank=True)
    escort_role = models.CharField(_("escort (title and agency)"), max_length=255, blank=True)
    papers = models.TextField(_("papers handed over"), max_length=2000, blank=True)
    belongings = models.TextField(_("belongings handed over"), max_length=2000, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    # What the previous owner keeps: a read grant on the case (it recorded the file so far).
    previous_owner_grant = models.OneToOneField(
        CaseAccessGrant, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("access kept by the previous owner"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    document_number = models.CharField(_("number and symbol"), max_length=60)
    pdf = models.FileField(_("handover record"), upload_to=handover_upload_to, blank=True, max_length=200)
    pdf_status = models.CharField(_("document status"), max_length=20, choices=RecordStatus.choices,
                                  default=RecordStatus.PENDING)
    pdf_error = models.CharField(max_length=500, blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-handed_over_on", "-pk"]

    def __str__(self):
        return self.document_number or f"#{self.pk}"
