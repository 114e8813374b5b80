"""Read an uploaded register (XLSX with one sheet per kind, or a CSV of one kind) into rows of cells.

Sheets and columns are recognised by their headers, diacritics and case ignored, so a register typed
without accents or with its columns reordered still reads. Cells are then read by column type:
dates from date cells or dd/mm/yyyy, money with or without thousands dots, choices by their
Vietnamese label or their code.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.text import fold

from .kinds.base import Column, ColumnType, Kind

MAX_ROWS = 50_000


class FileError(Exception):
    """The file as a whole cannot be read (not a register, an unknown sheet, a missing column)."""


@dataclasses.dataclass
class Row:
    kind: Kind
    sheet: str  # the sheet's title as written in the file
    number: int  # the row's number in the sheet (the header is row 1)
    cells: dict[str, Any]  # column key -> the raw cell
    source: dict[str, str]  # header -> the cell as text, kept on the record


@dataclasses.dataclass
class CellError:
    column: str  # column key
    message: str


def _header_key(value) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(str(value or ""))).strip()


def _kind_for_headers(kinds: list[Kind], headers: list[str]) -> Kind | None:
    """The kind whose required columns all appear, preferring the one matching most columns."""
    present = set(headers)
    best, best_score = None, 0
    for kind in kinds:
        keys = {_header_key(column.header) for column in kind.columns}
        required = {_header_key(column.header) for column in kind.columns if column.required}
        if required <= present and len(keys & present) > best_score:
            best, best_score = kind, len(keys & present)
    return best


def _kind_for_sheet(kinds: list[Kind], title: str) -> Kind | None:
    key = _header_key(title)
    return next((kind for kind in kinds if _header_key(kind.title) == key), None)


def _table_rows(kind: Kind, sheet: str, table: Iterator[tuple]) -> Iterator[Row]:
    header_row = next(table, None)
    if header_row is None:
        return
    headers = [_header_key(value) for value in header_row]
    by_header = {_header_key(column.header): column for column in kind.columns}
    missing = [str(column.header) for column in kind.columns
               if column.required and _header_key(column.header) not in headers]
    if missing:
        raise FileError(_("Sheet “%(sheet)s” has no column %(columns)s.") % {
            "sheet": sheet, "columns": ", ".join(f"“{name}”" for name in missing)})
    positions = [(index, by_header[key]) for index, key in enumerate(headers) if key in by_header]
    for number, values in enumerate(table, start=2):
        if values is None or all(value in (None, "") or str(value).strip() == "" for value in values):
            continue
        cells, source = {}, {}
        for index, column in positions:
            value = values[index] if index < len(values) else None
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                cells[column.key] = value
                source[str(column.header)] = _as_text(value)
        yield Row(kind=kind, sheet=sheet, number=number, cells=cells, source=source)


def _as_text(value) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(file, file_name: str, kinds: list[Kind]) -> list[Row]:
    """Every filled row of the file, sheet by sheet in the order of `kinds`. Raises FileError."""
    if file_name.lower().endswith(".csv"):
        rows = list(_csv_rows(file, kinds))
    else:
        rows = list(_xlsx_rows(file, kinds))
    if len(rows) > MAX_ROWS:
        raise FileError(_("The file has more than %(max)s rows: split it into several files.") % {"max": f"{MAX_ROWS:,}".replace(",", ".")})
    order = {kind.code: index for index, kind in enumerate(kinds)}
    rows.sort(key=lambda row: (order[row.kind.code], row.sheet, _date_key(row), row.number))
    return rows


def _date_key(row: Row) -> datetime.date:
    """Visits are written oldest first (the first one starts the follow-up plan), whatever the
    order of the lines in the file; a row without a readable date keeps its place at the end."""
    column = row.kind.written_in_order_of
    if column is None:
        return datetime.date.min
    try:
        return read_date(row.cells[column])
    except (KeyError, ValueError):
        return datetime.date.max


def _csv_rows(file, kinds: list[Kind]) -> Iterator[Row]:
    raw = file.read()
    for encoding in ("utf-8-sig", "cp1258", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(_("The CSV file is not in UTF-8: save it again as “CSV UTF-8”."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table = csv.reader(io.StringIO(text), dialect)
    header = next(table, None)
    if not header:
        raise FileError(_("The file is empty."))
    kind = _kind_for_headers(kinds, [_header_key(value) for value in header])
    if kind is None:
        raise FileError(_("The columns of this file match no template: download a template and copy the rows into it."))
    yield from _table_rows(kind, kind.title, iter([tuple(header), *map(tuple, table)]))


def _xlsx_rows(file, kinds: list[Kind]) -> Iterator[Row]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as error:
        raise FileError(_("This is not an Excel file (.xlsx) or a CSV file.")) from error
    except Exception as error:  # zipfile.BadZipFile and the like: any unreadable upload
        raise FileError(_("This is not an Excel file (.xlsx) or a CSV file.")) from error
    found = False
    try:
        for sheet in book.worksheets:
            kind = _kind_for_sheet(kinds, sheet.title)
            table = sheet.iter_rows(values_only=True)
            if kind is None:
                # A sheet renamed by hand: recognise it by its headers (the explanation sheets have none).
                first = next(sheet.iter_rows(values_only=True, max_row=1), None) or ()
                kind = _kind_for_headers(kinds, [_header_key(value) for value in first])
                if kind is None:
                    continue
            found = True
            yield from _table_rows(kind, sheet.title, table)
    finally:
        book.close()
    if not found:
        raise FileError(_("No sheet of this file matches a template: download a template and copy the rows into it."))


# ---------------------------------------------------------------------------------------------
# Cells by column type
# ---------------------------------------------------------------------------------------------

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def _choice_lookup(column: Column) -> dict[str, str]:
    """Labels in every language of the site (a register filled from the English template reads too)."""
    lookup = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in column.choices():
                lookup.setdefault(fold(str(label)), code)
                lookup.setdefault(fold(str(code)), code)
    return lookup


class CellReader:
    """Reads cells by column type; choice lists are folded once per run."""

    def __init__(self):
        self._choices: dict[int, dict[str, str]] = {}

    def choices(self, column: Column) -> dict[str, str]:
        key = id(column)
        if key not in self._choices:
            self._choices[key] = _choice_lookup(column)
        return self._choices[key]

    def read(self, row: Row) -> tuple[dict[str, Any], list[CellError]]:
        values: dict[str, Any] = {}
        errors: list[CellError] = []
        for column in row.kind.columns:
            raw = row.cells.get(column.key)
            if raw is None:
                if column.required:
                    errors.append(CellError(column.key, _("This column is required.")))
                continue
            try:
                values[column.key] = self._value(column, raw)
            except ValueError as error:
                errors.append(CellError(column.key, str(error)))
        return values, errors

    def _value(self, column: Column, raw):
        kind = column.type
        if kind == ColumnType.TEXT:
            return _as_text(raw).strip()
        if kind == ColumnType.DATE:
            return read_date(raw)
        if kind in (ColumnType.INTEGER, ColumnType.MONEY):
            return read_number(raw, money=kind == ColumnType.MONEY)
        if kind == ColumnType.BOOLEAN:
            folded = fold(_as_text(raw))
            if folded in ("co", "x", "yes", "1", "true"):
                return True
            if folded in ("khong", "no", "0", "false"):
                return False
            raise ValueError(_("Write “Có” or “Không”."))
        if kind == ColumnType.CHOICE:
            return self._choice(column, _as_text(raw))
        if kind == ColumnType.CHOICES:
            return [self._choice(column, part) for part in re.split(r"[;\n]", _as_text(raw)) if part.strip()]
        return _as_text(raw).strip()  # PLACE: the kind resolves it with the run's PlaceResolver

    def _choice(self, column: Column, text: str) -> str:
        code = self.choices(column).get(fold(text))
        if code is None:
            labels = [str(label) for _code, label in column.choices()]
            shown = ", ".join(f"“{label}”" for label in labels[:8]) + ("…" if len(labels) > 8 else "")
            raise ValueError(_("“%(value)s” is not in the list: %(choices)s.") % {"value": text, "choices": shown})
        return code


def read_date(raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = _as_text(raw).strip()
    for form in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": text})


def read_number(raw, *, money: bool = False) -> int:
    if isinstance(raw, bool):
        raise ValueError(_("Write a whole number."))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise ValueError(_("Write a whole number."))
    text = _as_text(raw).strip()
    if money:
        text = re.sub(r"\s*(₫|đ|đồng|vnd|vnđ)\s*$", "", text, flags=re.IGNORECASE)
    digits = text.replace(".", "").replace(" ", "") if money or re.fullmatch(r"\d{1,3}(\.\d{3})+", text) else text
    if not re.fullmatch(r"-?\d+", digits):
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
    return int(digits)
