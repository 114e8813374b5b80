"""Downloads of a dashboard: XLSX (one sheet per table) and CSV, with the figures as published.

The cells are those of the page: a suppressed figure is written as the page shows it ("<5" or "x"),
never its value. No name, paper number or address can reach a download: the tables hold counts and
labels of categories, agencies and places only.
"""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .statistics import AMOUNT, Dashboard

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set) -> str:
    base = INVALID_SHEET_CHARS.sub(" ", title)[:28].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name.lower())
    return name


def _cell_value(cell):
    value, text, hidden = cell
    if hidden or value is None:
        return text
    return value


def dashboard_xlsx(board: Dashboard, *, title: str) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set = set()
    for table in board.tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        header = [table.title] + [column.label for column in table.columns]
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        rows = table.rows + ([table.total] if table.total else [])
        for row in rows:
            sheet.append([row.label] + [_cell_value(cell) for cell in row.cells])
            if row is table.total:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
        for index, column in enumerate(table.columns, start=2):
            fmt = "#,##0" if column.kind == AMOUNT else "#,##0.#" if column.kind != "count" else "#,##0"
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, int | float):
                    cell.number_format = fmt
                cell.alignment = Alignment(horizontal="right")
            sheet.column_dimensions[get_column_letter(index)].width = 18
        sheet.column_dimensions["A"].width = 45
        sheet.freeze_panes = "B2"
        sheet.append([])
        sheet.append([table.counts_label])
        if table.note:
            sheet.append([table.note])
        sheet.append([title])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def dashboard_csv(board: Dashboard) -> bytes:
    """One row per figure: table, what it counts, row, column, value (as published)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Table"), _("Counts"), _("Row"), _("Column"), _("Value")])
    for table in board.tables:
        for row in table.rows + ([table.total] if table.total else []):
            for column, cell in zip(table.columns, row.cells, strict=True):
                writer.writerow([table.title, table.counts, row.label, column.label, _cell_value(cell)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
