"""Writes of the periodic reports: drafting (beat), regenerating, the narrative, submitting (the
department's approver signs), accepting or returning (the ministry), new revisions, retries and the
national roll-up. Every write locks the report row, so two concurrent submits or reviews decide once,
and records the step (who, when) in `ReportEvent`. Renders are queued after commit.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import webhooks
from accounts.documents import DocumentType, document_number_issue
from accounts.models import AdministrativeUnit, Agency
from accounts.roles import Action
from victims.scoping import SOCIAL_AFFAIRS_DEPARTMENT

from . import report_figures
from .report_models import (
    Report,
    ReportEvent,
    ReportRun,
    ReportStatus,
    ReportStep,
    ReportType,
    RunStatus,
)
from .report_selectors import is_ministry, report_province_of


def _queue_render(run: ReportRun) -> None:
    from .tasks import render_report_run

    transaction.on_commit(lambda: render_report_run.delay(run.pk))


def _event(report: Report, step: str, actor=None, comment: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, revision=report.revision, step=step, comment=comment,
        user=actor.user if actor else None, agency=actor.agency if actor else None,
    )


def _denied():
    return PermissionDenied(_("Your role does not allow this."))


def _lock(actor, report: Report, action: str) -> Report:
    """The report again, locked, if the actor may act on it (its own province, or the ministry)."""
    if actor is None or not actor.can(action):
        raise _denied()
    locked = Report.objects.select_for_update(of=("self",)).select_related("report_type", "province", "agency").get(pk=report.pk)
    if action == Action.REPORT_REVIEW:
        if not is_ministry(actor):
            raise _denied()
    elif locked.national or report_province_of(actor) != locked.province_id:
        raise _denied()
    return locked


def _current_run(report: Report) -> ReportRun:
    return ReportRun.objects.select_for_update().get(report=report, revision=report.revision)


def _sign(actor, report: Report, run: ReportRun) -> None:
    today = timezone.localdate()
    issued = document_number_issue(agency=report.agency, document_type=DocumentType.REPORT, year=today.year)
    run.number_symbol, run.signed_on = issued.symbol, today
    run.signer_name = actor.user.get_full_name() or actor.user.get_username()


# ---------------------------------------------------------------------------------------------
# Beat: drafts when a period closes
# ---------------------------------------------------------------------------------------------

def reporting_departments() -> dict[int, Agency]:
    """province id -> its social-affairs department (the unit that prepares the province's report)."""
    agencies = Agency.objects.filter(
        type__code=SOCIAL_AFFAIRS_DEPARTMENT, jurisdiction__level=AdministrativeUnit.Level.PROVINCE,
    ).select_related("jurisdiction").order_by("pk")
    result: dict[int, Agency] = {}
    for agency in agencies:
        result.setdefault(agency.jurisdiction_id, agency)
    return result


def reports_draft_closed_periods(*, today: datetime.date | None = None) -> list[Report]:
    """For every active periodic report type whose latest period has closed, a draft for every
    province that has a reporting department. Idempotent: an existing report is left alone."""
    today = today or timezone.localdate()
    created = []
    departments = reporting_departments()
    for report_type in ReportType.objects.filter(is_active=True).exclude(kind="on_demand"):
        period = report_figures.latest_closed_period(report_type, today)
        if period is None:
            continue
        start, end = period
        due = report_figures.due_date(report_type, end)
        for province_id, agency in departments.items():
            with transaction.atomic():
                report, new = Report.objects.get_or_create(
                    report_type=report_type, province_id=province_id, period_start=start, period_end=end,
                    defaults={"agency": agency, "due_on": due},
                )
                if not new:
                    continue
                run = ReportRun.objects.create(report=report, revision=1)
                _event(report, ReportStep.CREATED)
                _queue_render(run)
                created.append(report)
    return created


def report_create_on_demand(*, actor, report_type: ReportType, start: datetime.date, end: datetime.date) -> Report:
    """An on-demand report of the actor's province for a chosen period."""
    if actor is None or not actor.can(Action.REPORT_PREPARE) or report_province_of(actor) is None:
        raise _denied()
    if start > end:
        raise ValidationError({"end": _("The end of the period cannot be before its start.")})
    if end >= timezone.localdate():
        raise ValidationError({"end": _("The period must have ended.")})
    with transaction.atomic():
        report, new = Report.objects.get_or_create(
            report_type=report_type, province_id=report_province_of(actor), period_start=start, period_end=end,
            defaults={"agency": actor.agency, "due_on": None},
        )
        if new:
            run = ReportRun.objects.create(report=report, revision=1)
            _event(report, ReportStep.CREATED, actor)
            _queue_render(run)
        return report


# ---------------------------------------------------------------------------------------------
# The province
# ---------------------------------------------------------------------------------------------

def report_regenerate(*, actor, report: Report) -> ReportRun:
    """Render the draft again from the current figures (after corrections)."""
    with transaction.atomic():
        report = _lock(actor, report, Action.REPORT_PREPARE)
        if report.status != ReportStatus.DRAFT:
            raise ValidationError(_("Only a draft can be regenerated."))
        run = _current_run(report)
        run.status, run.snapshot, run.error, run.attempts = RunStatus.QUEUED, {}, "", 0
        run.save(update_fields=["status", "snapshot", "error", "attempts"])
        _event(report, ReportStep.REGENERATED, actor)
        _queue_render(run)
        return run


def report_save_narrative(*, actor, report: Report, texts: dict) -> Report:
    with transaction.atomic():
        report = _lock(actor, report, Action.REPORT_PREPARE)
        if report.status != ReportStatus.DRAFT:
            raise ValidationError(_("A submitted report cannot be changed; submit a new revision."))
        keys = [s["key"] for s in report.report_type.narrative_sections]
        report.narrative = {key: (texts.get(key) or "").strip() for key in keys}
        report.save(update_fields=["narrative", "updated_at"])
        _event(report, ReportStep.NARRATIVE, actor)
        return report


def _freeze(actor, report: Report, run: ReportRun) -> None:
    run.snapshot = report_figures.snapshot(report_figures.province_geography(report.province), report.period_start,
                                           report.period_end, report.report_type.table_keys or None)
    run.narrative = dict(report.narrative)
    run.frozen, run.status, run.error, run.attempts = True, RunStatus.QUEUED, "", 0
    _sign(actor, report, run)
    run.save()
    report.status, report.submitted_at = ReportStatus.SUBMITTED, timezone.now()
    report.save(update_fields=["status", "submitted_at", "revision", "updated_at"])
    _queue_render(run)


def report_submit(*, actor, report: Report) -> Report:
    """The approver signs and submits the draft: its figures are frozen (a snapshot) and its files,
    once rendered, never change. A second, concurrent submit finds it submitted and is refused."""
    with transaction.atomic():
        report = _lock(actor, report, Action.REPORT_SUBMIT)
        if report.status != ReportStatus.DRAFT:
            raise ValidationError(_("This report has already been submitted."))
        missing = [s["title"] for s in report.report_type.narrative_sections if not report.narrative.get(s["key"])]
        if missing:
            raise ValidationError(_("Write these sections before submitting: %(sections)s.")
                                  % {"sections": ", ".join(missing)})
        _freeze(actor, report, _current_run(report))
        _event(report, ReportStep.SUBMITTED, actor)
        return report


def report_submit_revision(*, actor, report: Report) -> Report:
    """A submitted or accepted report whose figures changed since: the approver submits a new
    revision with the current figures; the earlier revision and its files stay as they were."""
    with transaction.atomic():
        report = _lock(actor, report, Action.REPORT_SUBMIT)
        if report.status == ReportStatus.DRAFT:
            raise ValidationError(_("This report is a draft: submit it."))
        frozen = _current_run(report)
        current = report_figures.snapshot(report_figures.province_geography(report.province), report.period_start,
                                          report.period_end, report.report_type.table_keys or None)
        if not report_figures.figures_changed(frozen.snapshot, current):
            raise ValidationError(_("The figures have not changed since the submission."))
        report.revision += 1
        _freeze(actor, report, ReportRun(report=report, revision=report.revision))
        _event(report, ReportStep.REVISION, actor)
        return report


def run_retry(*, actor, run: ReportRun) -> ReportRun:
    """Queue a failed render again (the same run: no second report, no second file)."""
    action = Action.REPORT_REVIEW if run.report.national else Action.REPORT_PREPARE
    with transaction.atomic():
        report = _lock(actor, run.report, action)
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.FAILED:
            raise ValidationError(_("Only a failed rendering can be retried."))
        run.status, run.attempts = RunStatus.QUEUED, 0
        run.save(update_fields=["status", "attempts"])
        _event(report, ReportStep.RETRIED, actor)
        _queue_render(run)
        return run


# ---------------------------------------------------------------------------------------------
# The ministry
# ---------------------------------------------------------------------------------------------

ACCEPT, RETURN = "accept", "return"


def report_review(*, actor, report: Report, decision: str, comment: str = "") -> Report:
    """Accept a submitted report, or return it with a comment (it goes back to draft, as a new
    revision: the submitted one keeps its files). Decides once under the row lock."""
    comment = (comment or "").strip()
    with transaction.atomic():
        report = _lock(actor, report, Action.REPORT_REVIEW)
        if report.national:
            raise _denied()
        if report.status != ReportStatus.SUBMITTED:
            raise ValidationError(_("This report is not waiting for a review (it was already accepted or returned)."))
        if decision == ACCEPT:
            report.status = ReportStatus.ACCEPTED
            report.save(update_fields=["status", "updated_at"])
            _event(report, ReportStep.ACCEPTED, actor, comment)
            webhooks.publish("report.accepted", report)  # to the province's subscribed clients (after commit)
        elif decision == RETURN:
            if not comment:
                raise ValidationError({"comment": _("Say why the report is returned.")})
            _event(report, ReportStep.RETURNED, actor, comment)
            report.status, report.revision = ReportStatus.DRAFT, report.revision + 1
            report.save(update_fields=["status", "revision", "updated_at"])
            run = ReportRun.objects.create(report=report, revision=report.revision)
            _queue_render(run)
        else:
            raise ValidationError({"decision": _("Choose accept or return.")})
        return report


def national_build(*, actor, report_type: ReportType, start: datetime.date, end: datetime.date) -> Report:
    """The national report of a period: the accepted provincial reports rolled up (a new revision
    each time it is built, so every version downloaded stays as it was)."""
    if actor is None or not actor.can(Action.REPORT_REVIEW) or not is_ministry(actor):
        raise _denied()
    with transaction.atomic():
        report, _new = Report.objects.get_or_create(
            report_type=report_type, province=None, period_start=start, period_end=end,
            defaults={"agency": actor.agency, "due_on": None, "revision": 0},
        )
        report = Report.objects.select_for_update(of=("self",)).select_related("report_type", "agency").get(pk=report.pk)
        accepted = Report.objects.filter(
            report_type=report_type, period_start=start, period_end=end, status=ReportStatus.ACCEPTED,
            province__isnull=False,
        ).select_related("province")
        frozen = {}
        for provincial in accepted:
            frozen[provincial.pk] = ReportRun.objects.get(report=provincial, revision=provincial.revision).snapshot
        provinces_total = len(reporting_departments())
        snap = report_figures.national_snapshot(
            start, end, [(p.province.name, frozen[p.pk]) for p in accepted],
            report_type.table_keys or None, provinces_total)
        report.revision += 1
        report.status = ReportStatus.ACCEPTED
        report.save(update_fields=["revision", "status", "updated_at"])
        run = ReportRun(report=report, revision=report.revision, snapshot=snap, frozen=True)
        _sign(actor, report, run)
        run.save()
        _event(report, ReportStep.BUILT, actor)
        _queue_render(run)
        return report

