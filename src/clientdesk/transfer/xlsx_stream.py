"""An XLSX workbook written as a stream of bytes: the sheet goes into the zip as its rows come,
and each compressed block goes out to the web server at once. The first bytes leave before
the first row is read, and memory holds one block of rows, however many rows there are.

Why not openpyxl's write-only workbook (or XlsxWriter's constant_memory): both write the sheet
into a temporary file and only build the zip once the last row is in, so nothing can be sent
before the whole file is written (25–40 s for 100,000 clients, docs/speed.md, "Exports").
Python's zipfile writes to a stream that cannot seek (each entry's sizes follow it in a data
descriptor), so the sheet's XML, written here by hand, streams.

What is written: a sheet per 1,048,575 rows (Excel's limit; "Clients", "Clients (2)", …) with
the header in bold and frozen, and column widths from the header; text as inline strings (never
formulas: a text starting with `=` is shown as written); numbers as numbers; dates and
date-times as date cells (yyyy-mm-dd, yyyy-mm-dd hh:mm); the styles, workbook and content
types after the sheets. Characters XML cannot hold are dropped; a CR becomes a line break.
"""

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

EXCEL_ROWS = 1_048_576  # rows of a sheet, the header included
FLUSH_BYTES = 64 * 1024  # compressed bytes gathered before they are handed on
ROWS_PER_WRITE = 200  # rows turned into XML before they go to the compressor
EPOCH = date(1899, 12, 30)  # day 0 of the 1900 date system
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A text that needs more than <t>…</t>: XML's specials, a line break, characters XML cannot
# hold, or spaces at either end.
SPECIAL = re.compile(r"[&<>\x00-\x1f\ufffe\uffff]|^\s|\s$")
DATE_STYLE, DATETIME_STYLE, BOLD_STYLE = 1, 2, 3
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class _Sink:
    """What zipfile writes into: gathered bytes, taken out as they come; it can tell its
    position but not seek, so zipfile streams (data descriptors after each entry)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.position = 0

    def write(self, data) -> int:
        block = bytes(data)
        self.parts.append(block)
        self.size += len(block)
        self.position += len(block)
        return len(block)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


def _letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if ILLEGAL.search(value):
        value = ILLEGAL.sub("", value)
    escaped = escape(value)
    if value != value.strip() or "\n" in value:
        return f'<is><t xml:space="preserve">{escaped}</t></is>'
    return f"<is><t>{escaped}</t></is>"


def _cell(ref: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr">{_text(value)}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=None)
        days = (moment - datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}" s="{DATETIME_STYLE}"><v>{days!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{(value - EPOCH).days}</v></c>'
    return f'<c r="{ref}" t="inlineStr">{_text(str(value))}</c>'


def _row(number: int, row: list, columns: list[str]) -> str:
    """One row's XML. Plain texts, the most of an export's cells, take the short way."""
    n = str(number)
    out = [f'<row r="{n}">']
    for column, value in zip(columns, row, strict=False):
        if type(value) is str:
            if not value:
                continue
            if SPECIAL.search(value) is None:
                out.append(f'<c r="{column}{n}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                out.append(f'<c r="{column}{n}" t="inlineStr">{_text(value)}</c>')
        elif value is not None:
            out.append(_cell(column + n, value))
    out.append("</row>")
    return "".join(out)


def _sheet_head(header: list[str], columns: list[str]) -> str:
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{min(max(len(label) + 4, 12), 40)}" customWidth="1"/>'
        for i, label in enumerate(header, start=1)
    )
    head_cells = "".join(
        f'<c r="{columns[i]}1" s="{BOLD_STYLE}" t="inlineStr">{_text(label)}</c>'
        for i, label in enumerate(header)
    )
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
        f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + widths + "</cols>" if widths else ""}'
        f'<sheetData><row r="1">{head_cells}</row>'
    )


SHEET_TAIL = "</sheetData></worksheet>"
STYLES = (
    f'{XML_HEAD}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _sheet_name(title: str, number: int) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip("'") or "Sheet"
    if number == 1:
        return name[:31]
    suffix = f" ({number})"
    return name[: 31 - len(suffix)] + suffix


def _package(names: list[str]) -> dict[str, str]:
    """The parts after the sheets: styles, workbook, relationships, content types."""
    sheets = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    count = len(names)
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    return {
        "xl/styles.xml": STYLES,
        "xl/workbook.xml": (
            f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_RELS}">{sheet_rels}'
            f'<Relationship Id="rId{count + 1}" Type="{RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="{PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "[Content_Types].xml": (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ),
    }


def xlsx_chunks(
    header: list[str], rows: Iterable[list], *, title: str, compresslevel: int = 1
) -> Iterator[bytes]:
    """The workbook as byte blocks: the first one before any row is read, then one each time
    about FLUSH_BYTES of compressed sheet have gathered. Deflate level 1: at level 6 the file
    is about 6 % smaller and takes half as long again to write (docs/speed.md)."""
    sink = _Sink()
    columns = [_letters(i) for i in range(1, max(len(header), 1) + 1)]
    names = [_sheet_name(title, 1)]
    book = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
    entry = book.open("xl/worksheets/sheet1.xml", "w")
    try:
        entry.write(_sheet_head(header, columns).encode())
        yield sink.take()  # the zip's first entry begins: the download has started
        number = 1  # rows in the current sheet, the header included
        pending: list[str] = []
        for row in rows:
            if number == EXCEL_ROWS:  # this sheet is full: the next one goes on
                entry.write(("".join(pending) + SHEET_TAIL).encode())
                pending.clear()
                entry.close()
                names.append(_sheet_name(title, len(names) + 1))
                entry = book.open(f"xl/worksheets/sheet{len(names)}.xml", "w")
                entry.write(_sheet_head(header, columns).encode())
                number = 1
            number += 1
            while len(columns) < len(row):
                columns.append(_letters(len(columns) + 1))
            pending.append(_row(number, row, columns))
            if len(pending) == ROWS_PER_WRITE:
                entry.write("".join(pending).encode())
                pending.clear()
                if sink.size >= FLUSH_BYTES:
                    yield sink.take()
        entry.write(("".join(pending) + SHEET_TAIL).encode())
        entry.close()
        for name, content in _package(names).items():
            book.writestr(name, content)
        book.close()
        yield sink.take()
    finally:
        # Stopped half-way (the person cancelled the download): close the zip in memory,
        # nobody reads it.
        if not entry.closed:
            entry.close()
        book.close()
