"""Registers as agencies keep them, made for tests: the downloadable template, filled in by header."""

import io

from openpyxl import load_workbook

from imports.kinds import kinds
from imports.workbook import build_template


def register_xlsx(sheets: dict[str, list[dict]]) -> bytes:
    """`sheets`: kind code -> rows (column key -> cell value). Unlisted kinds keep an empty sheet."""
    book = load_workbook(io.BytesIO(build_template(kinds())))
    for kind in kinds():
        rows = sheets.get(kind.code, [])
        sheet = book[str(kind.title)[:31]]
        keys = [column.key for column in kind.columns]
        for number, row in enumerate(rows, start=2):
            for key, value in row.items():
                sheet.cell(row=number, column=keys.index(key) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register_csv(kind_code: str, rows: list[dict], delimiter: str = ",") -> bytes:
    import csv

    kind = next(k for k in kinds() if k.code == kind_code)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([str(column.header) for column in kind.columns])
    for row in rows:
        writer.writerow([row.get(column.key, "") for column in kind.columns])
    return out.getvalue().encode("utf-8-sig")
