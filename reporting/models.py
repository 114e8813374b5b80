"""Programme activities (DOMAIN.md §5): communication events, trainings, materials distributed.

No victim data: an activity is what an agency did in a province, with head counts and quantities.
"""

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AdministrativeUnit, Agency


class ActivityKind(models.TextChoices):
    COMMUNICATION = "communication", _("Communication event")
    TRAINING = "training", _("Training")
    MATERIALS = "materials", _("Materials distributed")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), append_only=True)
class ProgrammeActivity(models.Model):
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+", verbose_name=_("agency"))
    province = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="+", verbose_name=_("province"),
    )
    kind = models.CharField(_("kind of activity"), max_length=20, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"), db_index=True)
    title = models.CharField(_("title"), max_length=255)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    trainees = models.PositiveIntegerField(_("trainees"), default=0)
    panels = models.PositiveIntegerField(_("panels"), default=0)
    posters = models.PositiveIntegerField(_("posters"), default=0)
    leaflets = models.PositiveIntegerField(_("leaflets"), default=0)
    booklets = models.PositiveIntegerField(_("booklets"), default=0)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("programme activity")
        verbose_name_plural = _("programme activities")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["province", "held_on"], name="activity_province_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gt=0) | Q(trainees__gt=0) | Q(panels__gt=0) | Q(posters__gt=0)
                | Q(leaflets__gt=0) | Q(booklets__gt=0),
                name="activity_not_empty",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.held_on:%d/%m/%Y}"

    def clean(self):
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = _("This date cannot be in the future.")
        if self.province_id and self.province.level != AdministrativeUnit.Level.PROVINCE:
            errors["province"] = _("Choose a province.")
        counts = ("participants", "trainees", "panels", "posters", "leaflets", "booklets")
        if not any(getattr(self, name) for name in counts):
            errors["__all__"] = _("Enter the number of participants, trainees or materials.")
        if self.kind == ActivityKind.TRAINING and not self.trainees:
            errors["trainees"] = _("Enter the number of trainees.")
        if self.kind == ActivityKind.COMMUNICATION and not self.participants:
            errors["participants"] = _("Enter the number of participants.")
        if errors:
            raise ValidationError(errors)


# The periodic reports up the chain live in their own module (issue 15).
from .facts import ReceptionFact, SupportFact, VisitFact  # noqa: E402, F401 - models: registered with the app here
from .report_models import (  # noqa: E402,F401
    Report,
    ReportEvent,
    ReportKind,
    ReportRun,
    ReportStatus,
    ReportStep,
    ReportType,
    RunStatus,
)
