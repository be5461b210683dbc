"""The blank files people fill in to import: CSV and XLSX, built from a kind's columns.

The XLSX carries what the CSV cannot: required columns marked with a yellow fill, drop-down
lists for the columns with fixed values (status, engagement, the account's industries, yes/no),
and a second sheet that explains each column with an example.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from clientdesk.core.models import Account
from clientdesk.transfer.kinds import BOOL, DATE, EMAIL, KINDS, LIST, Column, Kind, kind_for

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff".encode()
REQUIRED_FILL = PatternFill(fill_type="solid", start_color="FFFF00", end_color="FFFF00")
BOLD = Font(bold=True)
# Drop-downs cover this many rows below the header: more than any hand-filled sheet needs.
VALIDATED_ROWS = 10_000


def kind_named(name: str, account: Account | None = None) -> Kind:
    """The kind called `name`, with `account`'s own columns when given; ValueError when there
    is none (callers answer 404 or 422)."""
    try:
        return KINDS[name] if account is None else kind_for(name, account)
    except KeyError:
        raise ValueError(name) from None


def template_filename(kind: str, fmt: str) -> str:
    return f"clientdesk-{kind}-template.{fmt}"


def template_csv(kind: str, account: Account) -> bytes:
    """The header row of labels and one example row, UTF-8 with a BOM so Excel reads accents."""
    columns = kind_named(kind, account).columns
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(c.label) for c in columns])
    writer.writerow([_example(c, account) for c in columns])
    return BOM + buffer.getvalue().encode()


def template_xlsx(kind: str, account: Account) -> bytes:
    """Sheet "Import" to fill in, sheet "Columns" explaining each one, hidden sheet "Lists"
    holding the drop-downs' values."""
    columns = kind_named(kind, account).columns
    book = Workbook()
    sheet = book.active
    sheet.title = "Import"
    lists = book.create_sheet("Lists")
    lists.sheet_state = "hidden"
    sheet.append([str(c.label) for c in columns])
    sheet.freeze_panes = "A2"
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = BOLD
        if column.required:
            header.fill = REQUIRED_FILL
        sheet.column_dimensions[letter].width = min(max(len(str(column.label)) + 4, 14), 40)
        choices = _labels(column, account)
        if not choices:
            continue
        # Values live in a hidden sheet: an inline list is limited to 255 characters, which
        # an account's industries easily pass.
        list_column += 1
        list_letter = get_column_letter(list_column)
        for row, label in enumerate(choices, start=1):
            lists.cell(row=row, column=list_column, value=label).data_type = "s"
        source = f"{quote_sheetname(lists.title)}!${list_letter}$1:${list_letter}${len(choices)}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Not one of the values"),
            error=_("Choose one of the values in the list (see the Columns sheet)."),
        )
        validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
        sheet.add_data_validation(validation)
    _explain(book.create_sheet("Columns", 1), columns, account)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _explain(sheet, columns: tuple[Column, ...], account: Account) -> None:
    sheet.append(
        [_("Column"), _("Required"), _("What it holds"), _("Example"), _("Accepted values")]
    )
    for cell in sheet[1]:
        cell.font = BOLD
    sheet.freeze_panes = "A2"
    for row, column in enumerate(columns, start=2):
        values = [
            str(column.label),
            _("yes") if column.required else _("no"),
            str(column.help) or _described(column),
            _example(column, account),
            ", ".join(_labels(column, account)),
        ]
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=index, value=value)
            cell.data_type = "s"  # an example such as "+44 …" stays text, never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.required:
            sheet.cell(row=row, column=1).fill = REQUIRED_FILL
    for letter, width in zip("ABCDE", (28, 10, 60, 24, 40), strict=True):
        sheet.column_dimensions[letter].width = width


def _described(column: Column) -> str:
    """A line for the columns that carry no help of their own, from their type."""
    return {
        DATE: _("A date: 2024-03-01, 01/03/2024, 03/01/2024, 1 Mar 2024 or a date cell."),
        EMAIL: _("An email address."),
        BOOL: _("yes or no."),
        LIST: _("Values separated by commas."),
    }.get(column.type, _("Text."))


def _labels(column: Column, account: Account) -> list[str]:
    return [str(label) for _value, label in column.choices(account)] if column.choices else []


def _example(column: Column, account: Account) -> str:
    """The column's example, or for fixed values one the account really has (an account may
    have renamed or removed the example industry)."""
    labels = _labels(column, account)
    if labels and column.example.casefold() not in {label.casefold() for label in labels}:
        return labels[0]
    return column.example
