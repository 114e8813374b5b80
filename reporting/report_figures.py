"""The figures of a periodic report: its period, its due date, and the snapshot of the published
statistics tables it carries (the JSON a submitted report keeps, so a later correction of a case does
not change it).

A report goes to the ministry, which has no case-level access: its tables are published with
small-cell suppression (`reporting.statistics.publish(suppressed=True)`), exactly as the ministry's
dashboard would show them. The values behind the cells stay in the snapshot (never shown) so the
national report can sum receptions and the page can tell that the figures changed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import AdministrativeUnit

from .scope import NATIONAL, PROVINCE, Filters, Geography
from .statistics import BOTH, COUNT, NUMBER, Column, Row, Table, build_tables, publish


def _first(year: int, month: int, day: int) -> datetime.date:
    # A start in the last months belongs to the year before (15/12/2024 opens the 2025 reporting year).
    return datetime.date(year - 1 if month > 6 else year, month, day)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def type_period(report_type, year: int) -> tuple[datetime.date, datetime.date]:
    """The period of `report_type` in reporting year `year`: its first `months` months."""
    default_month, default_day = getattr(settings, "STATISTICS_REPORTING_YEAR_START", (12, 15))
    start = _first(year, report_type.start_month or default_month, report_type.start_day or default_day)
    return start, _add_months(start, report_type.months) - datetime.timedelta(days=1)


def due_date(report_type, end: datetime.date) -> datetime.date:
    """The first (due_month, due_day) after the period's end; else the end plus `due_days`."""
    if report_type.due_month and report_type.due_day:
        due = datetime.date(end.year, report_type.due_month, report_type.due_day)
        return due if due > end else datetime.date(end.year + 1, report_type.due_month, report_type.due_day)
    return end + datetime.timedelta(days=report_type.due_days)


def latest_closed_period(report_type, today: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The most recent period of a periodic type that has ended before `today`."""
    for year in range(today.year + 1, today.year - 3, -1):
        start, end = type_period(report_type, year)
        if end < today:
            return start, end
    return None


def province_geography(province: AdministrativeUnit) -> Geography:
    return Geography(PROVINCE, province_id=province.pk, label=province.name)


def national_geography() -> Geography:
    return Geography(NATIONAL, label="Toàn quốc")


def _table_json(table: Table) -> dict:
    def row_json(row: Row) -> dict:
        return {"key": row.key, "label": row.label, "values": row.values,
                "cells": [[text, hidden] for _value, text, hidden in row.cells]}

    return {
        "key": table.key, "title": table.title, "counts": table.counts, "counts_label": table.counts_label,
        "note": table.note, "chart": table.chart, "chart_column": table.chart_column,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
        "rows": [row_json(row) for row in table.rows],
        "total": row_json(table.total) if table.total else None,
    }


def tables_snapshot(tables: list[Table], keys: list[str] | None = None) -> dict:
    chosen = [t for t in tables if not keys or t.key in keys]
    if keys:
        chosen.sort(key=lambda t: keys.index(t.key))
    for table in chosen:
        publish(table, suppressed=True)
    return {"tables": [_table_json(t) for t in chosen]}


def snapshot(geography: Geography, start: datetime.date, end: datetime.date, keys: list[str] | None = None) -> dict:
    """The published tables of a geography and period, as JSON (in Vietnamese, the report's language)."""
    with translation.override("vi"):
        tables = build_tables(geography, Filters(start=start, end=end, on_date=end))["tables"]
        return tables_snapshot(tables, keys)


def figures_of(snap: dict) -> dict:
    """What "the figures" are, for comparing two snapshots: every value of every row."""
    result = {}
    for table in snap.get("tables", []):
        for row in table["rows"] + ([table["total"]] if table.get("total") else []):
            result[f"{table['key']}/{row['key'] or row['label']}"] = row["values"]
    return result


def figures_changed(frozen: dict, current: dict) -> bool:
    return figures_of(frozen) != figures_of(current)


def table_value(snap: dict, table_key: str, row_key: str, column: str = "value"):
    for table in snap.get("tables", []):
        if table["key"] == table_key:
            for row in table["rows"] + ([table["total"]] if table.get("total") else []):
                if row["key"] == row_key or (row_key == "total" and row is table.get("total")):
                    return row["values"].get(column)
    return None


def chart_data(table: dict) -> dict:
    """Labels and values of a table's chart (hidden cells are left out of the bars)."""
    column = table["chart_column"] or table["columns"][0]["key"]
    index = [c["key"] for c in table["columns"]].index(column)
    values = [None if row["cells"][index][1] else row["values"].get(column) for row in table["rows"]]
    return {"title": table["title"], "label": table["columns"][index]["label"],
            "labels": [row["label"] for row in table["rows"]], "values": values,
            "texts": [row["cells"][index][0] for row in table["rows"]]}


def national_snapshot(start: datetime.date, end: datetime.date, accepted: list, keys: list[str] | None,
                      provinces_total: int) -> dict:
    """The national report: the accepted provincial reports rolled up (receptions summed, each
    province's frozen figures), persons counted once nationally by the statistics module at national
    geography, and the reconciliation line between the two.

    accepted: [(province name, frozen snapshot)] of the accepted provincial reports.
    """
    with translation.override("vi"):
        tables = build_tables(national_geography(), Filters(start=start, end=end, on_date=end))["tables"]
        national = {t.key: t for t in tables}
        summary = national["summary"]
        persons_once = next(r.values["value"] for r in summary.rows if r.key == "persons")
        multi_province = next(r.values["value"] for r in summary.rows if r.key == "multi_province")
        national_receptions = next(r.values["value"] for r in summary.rows if r.key == "receptions")
        rows, receptions_sum, persons_sum = [], 0, 0
        for name, snap in sorted(accepted, key=lambda item: item[0]):
            persons = table_value(snap, "summary", "persons") or 0
            receptions = table_value(snap, "summary", "receptions") or 0
            persons_sum += persons
            receptions_sum += receptions
            rows.append(Row(name, {"persons": persons, "receptions": receptions}, key=name))
        columns = [Column("persons", _("Persons"), COUNT), Column("receptions", _("Receptions"), COUNT)]
        rollup = Table("rollup", _("Accepted provincial reports"), BOTH, columns, rows,
                       total=Row(_("Sum of the provincial reports"), {"persons": persons_sum,
                                                                      "receptions": receptions_sum}),
                       chart="bar", chart_column="receptions",
                       note=_("Receptions add up; persons do not: a person received in several provinces is "
                              "in each of their reports."))
        reconciliation = Table("reconciliation", _("Reconciliation of persons"), BOTH,
                               [Column("value", _("Number"), NUMBER)], [
            Row(_("Receptions: sum of the accepted provincial reports"), {"value": receptions_sum}, "receptions_sum"),
            Row(_("Receptions counted nationally"), {"value": national_receptions}, "receptions_national"),
            Row(_("Persons: sum of the accepted provincial reports"), {"value": persons_sum}, "persons_sum"),
            Row(_("Persons counted once nationally"), {"value": persons_once}, "persons_once"),
            Row(_("Received in more than one province"), {"value": multi_province}, "multi_province"),
        ], chart="", note=_("Provincial reports accepted: %(accepted)s; provinces without an accepted report: "
                            "%(missing)s. Persons and every table below are counted nationally, each person once.")
            % {"accepted": len(accepted), "missing": max(provinces_total - len(accepted), 0)})
        chosen = [rollup, reconciliation] + [t for t in tables if not keys or t.key in keys]
        result = tables_snapshot(chosen)
        result["reconciled"] = receptions_sum == national_receptions
        return result
