"""Reading a report run's files back: the PDF's text and the XLSX's cells, to compare with the
statistics of the same population."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from openpyxl import load_workbook

from reporting.report_figures import province_geography
from reporting.scope import Filters
from reporting.statistics import build_tables, publish
from tests.support.pdftext import pdf_text


def run_pdf_text(run) -> str:
    return pdf_text((Path(settings.MEDIA_ROOT) / run.pdf).read_bytes())


def run_xlsx_sheets(run) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO((Path(settings.MEDIA_ROOT) / run.xlsx).read_bytes()))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def published_tables(province, start, end) -> dict:
    """The statistics module's tables of a province and period, published as the ministry sees them."""
    from django.utils import translation

    with translation.override("vi"):
        tables = build_tables(province_geography(province), Filters(start=start, end=end, on_date=end))["tables"]
        return {t.key: publish(t, suppressed=True) for t in tables}


def expected_rows(table) -> list[list]:
    """A table's XLSX rows as the statistics module publishes them: label, then value or its text."""
    rows = []
    for row in table.rows + ([table.total] if table.total else []):
        rows.append([row.label] + [text if hidden or value is None else value for value, text, hidden in row.cells])
    return rows


def assert_files_match(run, province, keys):
    """Every table of the report: its XLSX sheet has the statistics module's rows, and the PDF shows
    every row label with its published cells."""
    tables = published_tables(province, run.report.period_start, run.report.period_end)
    sheets = run_xlsx_sheets(run)
    # The extracted text runs cells together and wraps long labels: compare without whitespace.
    flat = "".join(run_pdf_text(run).split())
    checked = 0
    assert len(sheets) == len([k for k in keys if k in tables])
    for key in keys:
        if key not in tables:
            continue
        table = tables[key]
        sheet = next(rows for title, rows in sheets.items() if rows[0][0] == table.title)
        assert sheet[0] == [table.title] + [c.label for c in table.columns]
        rows = expected_rows(table)
        assert sheet[1:1 + len(rows)] == rows, key
        assert "".join(table.title.split()) in flat
        for row in table.rows + ([table.total] if table.total else []):
            line = "".join([row.label] + [text for _v, text, _h in row.cells])
            assert "".join(line.split()) in flat, f"{key}: {line!r} not in the PDF"
            checked += 1
    return checked
