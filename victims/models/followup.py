import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency

from ..text import CleanTextModel
from .case import Case
from .person import history_trackers
from .querysets import CaseScopedQuerySet

MAX_FOLLOW_UP_MONTHS = 24
DEFAULT_VISIT_INTERVAL_MONTHS = 1


@pghistory.track(*history_trackers(), append_only=True)
class ReintegrationPlan(CleanTextModel):
    """Return and reintegration (hồi gia, tái hòa nhập): the plan the follow-up visits serve."""

    case = models.ForeignKey(
        Case, models.CASCADE, related_name="reintegration_plans", verbose_name=_("case"),
    )
    starts_on = models.DateField(_("follow-up starts on"))
    ends_on = models.DateField(_("follow-up ends on"))
    visit_interval_months = models.PositiveSmallIntegerField(
        _("months between visits"), default=DEFAULT_VISIT_INTERVAL_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    responsible_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="+", verbose_name=_("agency doing the follow-up"),
    )
    family_assessment = models.TextField(_("assessment of the family"), max_length=4000, blank=True)
    goals = models.TextField(_("goals and support planned"), max_length=4000, blank=True)
    safe_escort = models.BooleanField(
        _("safe escort home"), default=False, help_text=_("Mandatory for minors."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reintegration plan")
        verbose_name_plural = _("reintegration plans")
        ordering = ["-starts_on", "-pk"]
        get_latest_by = ["starts_on", "pk"]

    def __str__(self):
        return f"{self.case}: {self.starts_on} – {self.ends_on}"


@pghistory.track(*history_trackers(), append_only=True)
class FollowUpVisit(CleanTextModel):
    """A home visit during reintegration follow-up (sổ theo dõi hồi gia)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="followup_visits", verbose_name=_("case"))
    plan = models.ForeignKey(
        ReintegrationPlan, models.PROTECT, related_name="visits", verbose_name=_("reintegration plan"),
    )
    visited_on = models.DateField(_("date of visit"))
    visitors = models.CharField(_("who visited"), max_length=255)
    place = models.CharField(_("where"), max_length=255)
    findings = models.TextField(_("findings"), max_length=4000)
    next_visit_on = models.DateField(
        _("next visit"), null=True, blank=True,
        help_text=_("Empty when the follow-up period is over."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.case}: {self.visited_on}"
