"""Periodic reports up the chain (issue 15): report types as data, one report per type, unit and
period, its renders (one `ReportRun` per revision) and every step of the chain.

A provincial report is prepared by the province's social-affairs department and accepted by the
ministry; the national report (`province` empty) is the ministry's roll-up of the accepted ones.
No victim data is stored here: figures are aggregates (the published statistics tables).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    HALF_YEAR = "half_year", _("6-month report")
    ANNUAL = "annual", _("Annual report")
    ON_DEMAND = "on_demand", _("On-demand report")


class ReportType(models.Model):
    """A kind of report: its period, due date and sections. Law is data: `source` cites where the
    period and deadline come from (or says "to be confirmed")."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    # The period's first day (month, day) in the reporting year; empty: STATISTICS_REPORTING_YEAR_START.
    start_month = models.PositiveSmallIntegerField(_("first month of the period"), null=True, blank=True)
    start_day = models.PositiveSmallIntegerField(_("first day of the period"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("length of the period (months)"), default=12)
    # Due: the first (month, day) after the period ends; else the period's end plus `due_days`.
    due_month = models.PositiveSmallIntegerField(_("due month"), null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(_("due day"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(_("days after the period to submit"), default=0)
    # Sections: statistics tables (keys of reporting.statistics), charts (table keys) and the
    # narrative sections the province writes ([{"key": ..., "title": ...}]).
    table_keys = models.JSONField(_("statistics tables"), default=list, blank=True)
    chart_keys = models.JSONField(_("charts"), default=list, blank=True)
    narrative_sections = models.JSONField(_("narrative sections"), default=list, blank=True)
    source = models.CharField(_("legal source"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report type")
        verbose_name_plural = _("report types")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def periodic(self) -> bool:
        return self.kind != ReportKind.ON_DEMAND


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("report status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("report status", "Accepted")


class Report(models.Model):
    """One report of a type, for a unit (a province, or the nation when `province` is empty) and a
    period. `revision` is the revision being worked on or last submitted."""

    report_type = models.ForeignKey(ReportType, models.PROTECT, related_name="reports", verbose_name=_("report type"))
    province = models.ForeignKey("accounts.AdministrativeUnit", models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("province"))
    agency = models.ForeignKey("accounts.Agency", models.PROTECT, related_name="+", verbose_name=_("reporting agency"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_end", "province__name", "pk"]
        constraints = [
            # One report per type, unit and period; the national one too (NULL province is one unit).
            models.UniqueConstraint(fields=["report_type", "province", "period_start", "period_end"],
                                    name="report_unique_unit_period", nulls_distinct=False),
        ]

    def __str__(self):
        return f"{self.report_type_id}/{self.province_id or 'national'}/{self.period_start}"

    @property
    def national(self) -> bool:
        return self.province_id is None

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%d/%m/%Y} – {self.period_end:%d/%m/%Y}"

    def is_late(self, today: datetime.date | None = None) -> bool:
        """Submitted after the due date, or not submitted and the due date has passed."""
        if self.due_on is None:
            return False
        from django.utils import timezone

        if self.submitted_at is not None:  # the local day (UTC+7): 01:00 on the 16th is late
            return timezone.localtime(self.submitted_at).date() > self.due_on
        return (today or timezone.localdate()) > self.due_on


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportRun(models.Model):
    """One revision of a report and its files. A draft's run may be rendered again after
    corrections; a submitted (frozen) run keeps its snapshot, and once its files exist they never
    change."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="runs", verbose_name=_("report"))
    revision = models.PositiveIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    error = models.CharField(_("reason of the failure"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The published tables the files show (reporting.report_figures.snapshot), and the narrative.
    snapshot = models.JSONField(_("figures"), default=dict)
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    frozen = models.BooleanField(_("submitted"), default=False)
    number_symbol = models.CharField(_("number and symbol"), max_length=60, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    pdf = models.CharField(_("PDF file"), max_length=300, blank=True)  # path under MEDIA_ROOT
    xlsx = models.CharField(_("XLSX file"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["report", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["report", "revision"], name="report_run_unique_revision"),
            models.CheckConstraint(condition=~Q(status="done") | ~Q(pdf=""), name="report_run_done_has_file"),
        ]

    def __str__(self):
        return f"{self.report_id} r{self.revision} {self.status}"

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RENDERING)


class ReportStep(models.TextChoices):
    CREATED = "created", _("Draft created")
    REGENERATED = "regenerated", _("Draft regenerated")
    NARRATIVE = "narrative", _("Narrative saved")
    SUBMITTED = "submitted", pgettext_lazy("report status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("report status", "Accepted")
    RETURNED = "returned", _("Returned")
    REVISION = "revision", _("New revision")
    RETRIED = "retried", _("Rendering retried")
    BUILT = "built", _("National report built")


class ReportEvent(models.Model):
    """A step of the chain: who did what, when (the user is empty for the scheduled draft)."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="events", verbose_name=_("report"))
    revision = models.PositiveIntegerField(_("revision"))
    step = models.CharField(_("step"), max_length=20, choices=ReportStep.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("by"))
    agency = models.ForeignKey("accounts.Agency", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("agency"))
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report_id} r{self.revision} {self.step}"
