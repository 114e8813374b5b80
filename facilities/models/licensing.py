import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from support import working_days
from victims.text import CleanTextModel

from ..choices import (
    ApplicationKind,
    ApplicationStatus,
    DossierDocument,
    LicenceChangeKind,
    LicenceStatus,
    Service,
)
from .facility import Facility, history_trackers
from .querysets import FacilityScopedQuerySet


def _user_fk(verbose_name, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=verbose_name, **kwargs
    )


@pghistory.track(*history_trackers(), append_only=True)
class LicenceApplication(CleanTextModel):
    """An application for a licence (or its renewal): appraisal by the department, then a decision."""

    facility = models.ForeignKey(
        Facility, models.PROTECT, related_name="licence_applications", verbose_name=_("facility"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicationKind.choices, default=ApplicationKind.NEW)
    previous_licence = models.ForeignKey(
        "Licence", models.PROTECT, null=True, blank=True, related_name="renewal_applications",
        verbose_name=_("licence to renew"),
    )
    applicant = models.CharField(_("applicant"), max_length=255)
    submitted_on = models.DateField(_("date submitted"))
    documents = ArrayField(
        models.CharField(max_length=30, choices=DossierDocument.choices), verbose_name=_("documents received"),
        default=list, blank=True,
    )
    documents_note = models.TextField(_("notes on the documents"), max_length=2000, blank=True)
    proposed_services = ArrayField(
        models.CharField(max_length=30, choices=Service.choices), verbose_name=_("proposed services"),
        default=list,
    )
    proposed_capacity = models.PositiveSmallIntegerField(_("proposed capacity (beds)"))
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    policy_code = models.CharField(_("policy version"), max_length=20)

    appraisal_due = models.DateField(_("appraisal due"))
    appraised_on = models.DateField(_("date appraised"), null=True, blank=True)
    appraisal_note = models.TextField(_("appraisal findings"), max_length=4000, blank=True)
    appraised_by = _user_fk(_("appraised by"), null=True, blank=True)

    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    decided_on = models.DateField(_("date of the decision"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_signer = models.CharField(
        _("signed by"), max_length=150, blank=True,
        help_text=_("The chairman (or deputy) of the provincial People's Committee who signed."),
    )
    decision_note = models.TextField(_("reasons"), max_length=4000, blank=True)
    decision_recorded_by = _user_fk(_("decision recorded by"), null=True, blank=True)

    created_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FacilityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("licence application")
        verbose_name_plural = _("licence applications")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self):
        return f"{self.facility} · {self.get_kind_display()} · {self.submitted_on:%d/%m/%Y}"

    # Deadlines (in working days, per the policy version in force when the application was filed)
    @property
    def current_due(self) -> datetime.date | None:
        if self.status == ApplicationStatus.SUBMITTED:
            return self.appraisal_due
        if self.status == ApplicationStatus.APPRAISED:
            return self.decision_due
        return None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        due = self.current_due
        return due is not None and (today or timezone.localdate()) > due

    def working_days_overdue(self, today: datetime.date | None = None) -> int:
        due = self.current_due
        if due is None:
            return 0
        return max(0, working_days.working_days_between(due, today or timezone.localdate()))

    @property
    def appraised_late(self) -> bool:
        return bool(self.appraised_on and self.appraised_on > self.appraisal_due)

    @property
    def decided_late(self) -> bool:
        return bool(self.decided_on and self.decision_due and self.decided_on > self.decision_due)


@pghistory.track(*history_trackers(), append_only=True)
class Licence(CleanTextModel):
    """A licence (giấy phép) with its scope of services and capacity; valid up to 5 years."""

    facility = models.ForeignKey(Facility, models.PROTECT, related_name="licences", verbose_name=_("facility"))
    application = models.OneToOneField(
        LicenceApplication, models.PROTECT, null=True, blank=True, related_name="licence",
        verbose_name=_("application"),
    )
    number = models.CharField(_("licence number"), max_length=50)
    issued_on = models.DateField(_("date issued"))
    valid_until = models.DateField(_("valid until"))
    services = ArrayField(
        models.CharField(max_length=30, choices=Service.choices), verbose_name=_("licensed services"),
    )
    capacity = models.PositiveSmallIntegerField(_("licensed capacity (beds)"))
    status = models.CharField(
        _("status"), max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE, db_index=True,
    )
    status_changed_on = models.DateField(_("status since"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FacilityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "number"], name="licence_facility_number_unique"),
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("issued_on")),
                                   name="licence_valid_after_issue"),
        ]

    def __str__(self):
        return self.number

    def is_expired(self, today: datetime.date | None = None) -> bool:
        return self.valid_until < (today or timezone.localdate())

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.status == LicenceStatus.ACTIVE and self.issued_on <= day <= self.valid_until

    @property
    def state(self) -> str:
        """The status for display: an active licence past its validity reads as expired."""
        if self.status == LicenceStatus.ACTIVE and self.is_expired():
            return "expired"
        return self.status

    @property
    def state_label(self):
        if self.state == "expired":
            return _("Expired")
        return self.get_status_display()


@pghistory.track(pghistory.InsertEvent(), append_only=True)
class LicenceStatusChange(CleanTextModel):
    """Issue, suspension, lifting, revocation, replacement of a licence: each with a date and reason."""

    licence = models.ForeignKey(Licence, models.PROTECT, related_name="status_changes", verbose_name=_("licence"))
    kind = models.CharField(_("event"), max_length=20, choices=LicenceChangeKind.choices)
    on_date = models.DateField(_("date"))
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    recorded_by = _user_fk(_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("licence event")
        verbose_name_plural = _("licence events")
        ordering = ["on_date", "pk"]

    def __str__(self):
        return f"{self.licence} · {self.get_kind_display()} · {self.on_date:%d/%m/%Y}"
