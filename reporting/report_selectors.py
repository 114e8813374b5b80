"""Reads of the periodic reports, through the actor.

- The ministry (an agency of type `ministry` whose role prepares or reviews reports) reads every
  report; only a role that reviews accepts or returns them.
- A provincial social-affairs department (a role that prepares reports) reads its province's.
- Anyone else reads none: an out-of-scope report answers 404.
Reports hold aggregates only (the published tables, with small-cell suppression): no name, paper or
address, so a statistician reads them as the approver does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from accounts.models import AdministrativeUnit
from accounts.roles import Action
from victims.scoping import SOCIAL_AFFAIRS_DEPARTMENT

from . import report_figures
from .report_models import Report, ReportEvent, ReportRun, ReportStatus, ReportType

REPORT_ACTIONS = (Action.REPORT_PREPARE, Action.REPORT_REVIEW)


def is_ministry(actor) -> bool:
    agency = actor.agency if actor else None
    return bool(agency and agency.type.code == "ministry" and actor.can(Action.REPORT_REVIEW))


def report_province_of(actor) -> int | None:
    """The province whose reports the actor prepares, or None."""
    agency = actor.agency if actor else None
    if agency is None or not actor.can(Action.REPORT_PREPARE) or agency.type.code != SOCIAL_AFFAIRS_DEPARTMENT:
        return None
    unit = agency.jurisdiction
    return unit.pk if unit is not None and unit.level == AdministrativeUnit.Level.PROVINCE else None


def reads_every_report(actor) -> bool:
    """Ministry staff with a report role read every province's reports (its statisticians and API
    clients download them); only those who review may accept or return (`is_ministry`)."""
    agency = actor.agency if actor else None
    return bool(agency and agency.type.code == "ministry" and any(actor.can(a) for a in REPORT_ACTIONS))


def reports_visible_to(actor):
    reports = Report.objects.select_related("report_type", "province", "agency")
    if reads_every_report(actor):
        return reports
    province = report_province_of(actor)
    if province is None:
        return reports.none()
    return reports.filter(province_id=province)


def report_get(actor, pk: int) -> Report:
    report = reports_visible_to(actor).filter(pk=pk).first()
    if report is None:
        raise Http404("No report matches the given query.")
    return report


def run_get(actor, pk: int) -> ReportRun:
    run = ReportRun.objects.select_related("report").filter(
        pk=pk, report__in=reports_visible_to(actor).values("pk")).first()
    if run is None:
        raise Http404("No report matches the given query.")
    run.report = report_get(actor, run.report_id)
    return run


def report_list(actor):
    return reports_visible_to(actor).order_by("-period_end", "report_type_id", "province__name")


def reports_waiting(actor) -> list[Report]:
    """The department's drafts still to submit (the home page's notice of a period that closed)."""
    province = report_province_of(actor)
    if province is None:
        return []
    return list(reports_visible_to(actor).filter(status=ReportStatus.DRAFT).order_by("due_on", "pk")[:10])


@dataclass
class ReportPage:
    report: Report
    runs: list
    events: list
    current: ReportRun | None
    shown: ReportRun | None  # the run whose figures the page shows
    submitted_runs: list
    data_changed: bool
    narrative_sections: list


def report_page(actor, report: Report) -> ReportPage:
    runs = list(report.runs.order_by("revision"))
    events = list(ReportEvent.objects.filter(report=report).select_related("user", "agency").order_by("at", "pk"))
    current = next((r for r in runs if r.revision == report.revision), None)
    done = [r for r in runs if r.snapshot]
    shown = current if current and current.snapshot else (done[-1] if done else None)
    submitted = [r for r in runs if r.frozen]
    changed = False
    if not report.national and report.status != ReportStatus.DRAFT and current and current.frozen:
        now = report_figures.snapshot(report_figures.province_geography(report.province), report.period_start,
                                      report.period_end, report.report_type.table_keys or None)
        changed = report_figures.figures_changed(current.snapshot, now)
    sections = [{"key": s["key"], "title": s["title"], "text": report.narrative.get(s["key"], "")}
                for s in report.report_type.narrative_sections]
    return ReportPage(report, runs, events, current, shown, submitted, changed, sections)


def revisions_side_by_side(report: Report) -> dict:
    """Every submitted revision's published cells, table by table and row by row."""
    runs = list(report.runs.filter(frozen=True).order_by("revision"))
    tables: dict[str, dict] = {}
    for run in runs:
        for table in run.snapshot.get("tables", []):
            entry = tables.setdefault(table["key"], {"title": table["title"], "columns": table["columns"],
                                                     "rows": {}})
            for row in table["rows"] + ([table["total"]] if table.get("total") else []):
                cells = entry["rows"].setdefault(row["key"] or row["label"], {"label": row["label"], "by": {}})
                cells["by"][run.revision] = [text for text, _hidden in row["cells"]]
    result = []
    for entry in tables.values():
        rows = []
        for row in entry["rows"].values():
            values = [row["by"].get(run.revision) for run in runs]
            rows.append({"label": row["label"], "values": values, "differs": len({str(v) for v in values}) > 1})
        result.append({"title": entry["title"], "columns": entry["columns"], "rows": rows})
    return {"runs": runs, "tables": result}


@dataclass
class ProvinceStatus:
    province: AdministrativeUnit
    report: Report | None
    state: str  # "accepted", "submitted", "late", "draft", "missing"


def period_choices(actor) -> list[tuple[ReportType, datetime.date, datetime.date]]:
    """The (type, period) pairs the ministry can look at: every period with a report."""
    seen = (reports_visible_to(actor).filter(province__isnull=False)
            .values_list("report_type_id", "period_start", "period_end").distinct()
            .order_by("-period_end", "report_type_id"))
    types = ReportType.objects.in_bulk()
    return [(types[t], start, end) for t, start, end in seen]


def period_overview(actor, report_type: ReportType, start: datetime.date, end: datetime.date) -> dict:
    """Per province of the period: accepted, submitted (on time or late), draft or missing."""
    today = timezone.localdate()
    reports = {r.province_id: r for r in reports_visible_to(actor).filter(
        report_type=report_type, period_start=start, period_end=end, province__isnull=False)}
    national = reports_visible_to(actor).filter(
        report_type=report_type, period_start=start, period_end=end, province__isnull=True,
    ).prefetch_related(Prefetch("runs", queryset=ReportRun.objects.order_by("-revision"))).first()
    rows = []
    for province in AdministrativeUnit.objects.current().provinces().order_by("name"):
        report = reports.get(province.pk)
        if report is None:
            state = "missing"
        elif report.status == ReportStatus.ACCEPTED:
            state = "accepted"
        elif report.status == ReportStatus.SUBMITTED:
            state = "late" if report.is_late(today) else "submitted"
        else:
            state = "late" if report.is_late(today) else "draft"
        rows.append(ProvinceStatus(province, report, state))
    counts = {state: sum(1 for r in rows if r.state == state)
              for state in ("accepted", "submitted", "late", "draft", "missing")}
    return {"rows": rows, "counts": counts, "national": national, "report_type": report_type,
            "start": start, "end": end}
