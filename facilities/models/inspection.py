import datetime

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from victims.text import CleanTextModel

from ..choices import (
    OPEN_FOLLOW_UP,
    FollowUpStatus,
    InspectionForm,
    InspectionKind,
    InspectionStatus,
)
from .facility import Facility, history_trackers
from .querysets import InspectionQuerySet


@pghistory.track(*history_trackers(), append_only=True)
class Inspection(CleanTextModel):
    """A check or inspection (kiểm tra, thanh tra) of a facility, its findings and their follow-up."""

    facility = models.ForeignKey(Facility, models.PROTECT, related_name="inspections", verbose_name=_("facility"))
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    form = models.CharField(_("form"), max_length=20, choices=InspectionForm.choices, default=InspectionForm.CHECK)
    status = models.CharField(
        _("status"), max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED,
    )
    lead_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="+", verbose_name=_("inspecting agency"),
    )
    scheduled_on = models.DateField(_("scheduled for"), null=True, blank=True)
    inspected_on = models.DateField(_("date of the inspection"), null=True, blank=True)
    team = models.TextField(_("inspection team"), max_length=2000, help_text=_("Names and positions, one per line."))
    findings = models.TextField(_("findings"), max_length=8000, blank=True)
    required_actions = models.TextField(_("required actions"), max_length=4000, blank=True)
    follow_up_due = models.DateField(_("actions due by"), null=True, blank=True)
    follow_up_status = models.CharField(
        _("follow-up"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.NONE,
        db_index=True,
    )
    follow_up_note = models.TextField(_("follow-up notes"), max_length=4000, blank=True)
    follow_up_closed_on = models.DateField(_("actions completed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-scheduled_on", "-pk"]

    def __str__(self):
        day = self.inspected_on or self.scheduled_on
        return f"{self.facility} · {self.get_form_display()} · {day:%d/%m/%Y}" if day else str(self.facility)

    @property
    def date(self) -> datetime.date | None:
        return self.inspected_on or self.scheduled_on

    def follow_up_overdue(self, today: datetime.date | None = None) -> bool:
        return bool(
            self.follow_up_status in OPEN_FOLLOW_UP and self.follow_up_due
            and self.follow_up_due < (today or timezone.localdate())
        )
