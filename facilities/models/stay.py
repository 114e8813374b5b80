import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from victims.models import Case, Person
from victims.text import CleanTextModel

from ..choices import DischargeDestination, Service
from .facility import Facility, history_trackers
from .querysets import StayQuerySet, StayScopedQuerySet


def _user_fk(verbose_name, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=verbose_name, **kwargs
    )


@pghistory.track(*history_trackers(), append_only=True)
class Stay(CleanTextModel):
    """One person's stay (lưu trú) in a facility: the victim of a case, or a child staying with her.

    `ends_on` is the last day of the maximum stay of the policy version in force on admission; an
    extension (StayExtension) moves it. A child's stay follows the stay of the parent it is linked to.
    """

    facility = models.ForeignKey(Facility, models.PROTECT, related_name="stays", verbose_name=_("facility"))
    case = models.ForeignKey(Case, models.PROTECT, related_name="facility_stays", verbose_name=_("case"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="facility_stays", verbose_name=_("person"))
    accompanying = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="companions",
        verbose_name=_("stays with"), help_text=_("For a child: the stay of the parent it stays with."),
    )
    admitted_on = models.DateField(_("date admitted"), db_index=True)
    admission_reason = models.TextField(_("reason for admission"), max_length=2000)
    services = ArrayField(
        models.CharField(max_length=30, choices=Service.choices), verbose_name=_("services needed"),
        default=list,
    )
    room = models.CharField(_("room"), max_length=50, blank=True)
    bed = models.CharField(_("bed"), max_length=50, blank=True)
    policy_code = models.CharField(_("policy version"), max_length=20)
    max_stay_days = models.PositiveSmallIntegerField(_("maximum stay (days)"))
    ends_on = models.DateField(_("stay allowed until"), db_index=True)
    transferred_from = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="transferred_to",
        verbose_name=_("transferred from"),
    )

    discharged_on = models.DateField(_("date discharged"), null=True, blank=True)
    destination = models.CharField(
        _("destination"), max_length=30, choices=DischargeDestination.choices, blank=True,
    )
    destination_facility = models.ForeignKey(
        Facility, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("facility transferred to"),
    )
    destination_detail = models.CharField(_("destination details"), max_length=255, blank=True)
    discharge_note = models.TextField(_("notes on the discharge"), max_length=2000, blank=True)

    admitted_by = _user_fk(_("admitted by"))
    discharged_by = _user_fk(_("discharged by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StayQuerySet.as_manager()

    # Hidden in the case history from users without identity access (victims.history).
    SENSITIVE_FIELDS = frozenset({"admission_reason", "room", "bed", "destination_detail", "discharge_note"})

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["-admitted_on", "-pk"]
        constraints = [
            # One place at a time: a person has at most one current stay, in any facility.
            models.UniqueConstraint(
                fields=["person"], condition=Q(discharged_on__isnull=True), name="stay_one_current_per_person",
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=F("admitted_on")),
                name="stay_discharged_after_admission",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=F("admitted_on")), name="stay_ends_after_admission"),
            models.CheckConstraint(
                condition=(Q(discharged_on__isnull=True) & Q(destination=""))
                | (Q(discharged_on__isnull=False) & ~Q(destination="")),
                name="stay_destination_with_discharge",
            ),
        ]
        indexes = [
            models.Index(fields=["facility", "discharged_on"], name="stay_facility_discharged"),
        ]

    def __str__(self):
        return f"{self.case} · {self.facility} · {self.admitted_on:%d/%m/%Y}"

    @property
    def is_current(self) -> bool:
        return self.discharged_on is None

    @property
    def is_child_stay(self) -> bool:
        return self.accompanying_id is not None

    def days_stayed(self, today: datetime.date | None = None) -> int:
        """Days counted from the admission day (day 1) to the discharge day or today."""
        end = self.discharged_on or today or timezone.localdate()
        return (end - self.admitted_on).days + 1

    def days_left(self, today: datetime.date | None = None) -> int:
        """Days until the end of the allowed stay: negative once it is past."""
        return (self.ends_on - (today or timezone.localdate())).days

    def is_past_limit(self, today: datetime.date | None = None) -> bool:
        return self.is_current and self.days_left(today) < 0


@pghistory.track(pghistory.InsertEvent(), append_only=True)
class StayExtension(CleanTextModel):
    """An extension of a stay beyond its maximum: a decision by the competent person, with a reason."""

    stay = models.ForeignKey(Stay, models.PROTECT, related_name="extensions", verbose_name=_("stay"))
    case = models.ForeignKey(Case, models.PROTECT, related_name="+", verbose_name=_("case"))
    previous_ends_on = models.DateField(_("allowed until (before)"))
    new_ends_on = models.DateField(_("new end date"))
    reason = models.TextField(_("reason"), max_length=2000)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decided_on = models.DateField(_("date of the decision"))
    decided_by = _user_fk(_("decided by"))
    decided_by_agency = models.ForeignKey(Agency, models.PROTECT, related_name="+", verbose_name=_("agency"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    SENSITIVE_FIELDS = frozenset({"reason"})

    objects = StayScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("extension of stay")
        verbose_name_plural = _("extensions of stay")
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(new_ends_on__gt=F("previous_ends_on")), name="extension_moves_end_later"),
        ]

    def __str__(self):
        return f"{self.stay} → {self.new_ends_on:%d/%m/%Y}"
