"""The downloadable templates: one sheet per kind of row with its Vietnamese headers, drop-down lists
for coded values, and a sheet explaining every column. Made from the kinds' columns, so a column
added to a kind is in the template and read back by the same header."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .kinds import kinds as all_kinds
from .kinds.base import ColumnType, Kind

ROWS_WITH_LISTS = 20_000
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TYPE_WORDS = {
    ColumnType.TEXT: gettext_lazy("Text"), ColumnType.INTEGER: gettext_lazy("Whole number"),
    ColumnType.MONEY: gettext_lazy("Amount in đồng"), ColumnType.DATE: gettext_lazy("Date (dd/mm/yyyy)"),
    ColumnType.CHOICE: gettext_lazy("One value from the list"),
    ColumnType.CHOICES: gettext_lazy("Values from the list, separated by “;”"),
    ColumnType.BOOLEAN: gettext_lazy("“Có” or “Không”"), ColumnType.PLACE: gettext_lazy("Place name (old or current)"),
}


def template_kinds(code: str | None = None) -> list[Kind]:
    everything = all_kinds()
    if code is None:
        return everything
    return [kind for kind in everything if kind.code == code]


def build_template(kinds: list[Kind]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    lists = book.create_sheet(_("Lists"))
    list_column = 0
    for kind in kinds:
        sheet = book.create_sheet(str(kind.title)[:31])
        for index, column in enumerate(kind.columns, start=1):
            cell = sheet.cell(row=1, column=index, value=str(column.header) + (" *" if column.required else ""))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(14, min(40, len(str(column.header)) + 4))
            if column.type == ColumnType.DATE:
                for row in sheet.iter_rows(min_row=2, max_row=200, min_col=index, max_col=index):
                    row[0].number_format = "DD/MM/YYYY"
            if column.type in (ColumnType.CHOICE, ColumnType.BOOLEAN) and (column.choices or column.type == ColumnType.BOOLEAN):
                labels = ([_("Yes"), _("No")] if column.type == ColumnType.BOOLEAN
                          else [str(label) for _code, label in column.choices()])
                list_column += 1
                list_letter = get_column_letter(list_column)
                lists.cell(row=1, column=list_column, value=f"{kind.title}: {column.header}").font = Font(bold=True)
                for position, label in enumerate(labels, start=2):
                    lists.cell(row=position, column=list_column, value=label)
                source = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(labels) + 1}"
                validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                                            errorTitle=_("Not in the list"),
                                            error=_("Pick a value from the list."))
                validation.add(f"{letter}2:{letter}{ROWS_WITH_LISTS}")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
        sheet.row_dimensions[1].height = 32
    _explanations(book, kinds)
    book.move_sheet(lists, offset=len(book.sheetnames))
    lists.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _explanations(book: Workbook, kinds: list[Kind]) -> None:
    sheet = book.create_sheet(_("Explanations"))
    headers = [_("Sheet"), _("Column"), _("Required"), _("Kind of value"), _("Explanation"), _("Example")]
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    row = 2
    for kind in kinds:
        for column in kind.columns:
            sheet.append([
                str(kind.title), str(column.header), _("Yes") if column.required else "",
                str(TYPE_WORDS[column.type]), str(column.help), column.example,
            ])
            row += 1
    sheet.append([])
    sheet.append([_("Each reception has the agency's register number; the rows of the other sheets name it, with a "
                    "line number. Importing the same file again changes nothing; a corrected row updates the record.")])
    for letter, width in zip("ABCDEF", (22, 32, 10, 28, 70, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
