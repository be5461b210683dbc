"""The first sheet of an XLSX workbook, read by calamine one slice of rows at a time (see the
package's docstring for why and for the figures)."""

import contextlib
import functools
import io
import re
import zipfile
from collections.abc import Generator, Iterator
from itertools import groupby
from pathlib import Path

from django.utils.translation import gettext as _
from python_calamine import CalamineError, load_workbook

from clientdesk.transfer.readers.base import (
    Record,
    Sheet,
    UnreadableFile,
    cell_too_long,
    too_many_columns,
    trim_end,
)
from clientdesk.transfer.readers.limits import limits
from clientdesk.transfer.readers.xlsx_parts import (
    READ_BYTES,
    _check_inflation,
    _SharedStrings,
    _workbook_parts,
)

SLICE_BYTES = 1 << 20  # measured: 128 KB to 1 MB slices read at the same speed, 2 MB slower
SLICE_MAX_BYTES = 8 << 20  # however many styles a slice repeats
# calamine makes a dense grid of the cells' extent (32 bytes a cell) before anything else: a
# slice is parsed only when that grid stays this small (two cells at A1 and XFD1048576 would
# ask for 550 GB and abort the process).
GRID_CELLS = 1 << 20
MARK = "\ue000"  # a private-use character that marks a shared-string index in a slice
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*>")
_SHARED_CELL = re.compile(
    rb"(<(?:[\w.-]+:)?c\b[^>]*?\st\s*=\s*)([\"'])s\2([^>]*>\s*<(?:[\w.-]+:)?v>)"
)
_ROW_TAG = re.compile(rb"<((?:[\w.-]+:)?row)\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<((?:[\w.-]+:)?c)\b([^>]*?)(?:/>|>(.*?)</\1\s*>)", re.S)
_R_ATTR = re.compile(rb"""\sr\s*=\s*(["'])\s*([^"']*?)\s*\1""")
_REF = re.compile(rb"\$?([A-Za-z]{1,3})\$?([0-9]{0,7})")
_HAS_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|is|f)\b")
_ERROR_CELL = re.compile(rb"(<(?:[\w.-]+:)?c\b[^>]*?\st\s*=\s*)([\"'])e\2")

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
_PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + _PKG_REL_NS.encode() + b'">'
    b'<Relationship Id="rId1" Type="' + _REL_NS.encode() + b'/officeDocument"'
    b' Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + _PKG_REL_NS.encode() + b'">'
    b'<Relationship Id="rId1" Type="' + _REL_NS.encode() + b'/worksheet"'
    b' Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="' + _REL_NS.encode() + b'/styles" Target="styles.xml"/>'
    b"</Relationships>"
)


class XlsxSheet(Sheet):
    format = "xlsx"
    slice_bytes: int = SLICE_BYTES

    def __init__(self, path: Path) -> None:
        self.path = path
        self.limits = limits()
        try:
            self._zip = zipfile.ZipFile(path)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            OSError,
            ValueError,
            NotImplementedError,
        ) as exc:
            raise UnreadableFile(_("This file is not CSV or XLSX.")) from exc
        self._strings: _SharedStrings | None = None
        self.headers = []
        try:
            with _damage_as_unreadable():
                parts = _workbook_parts(self._zip)
                self._sheet_part, self._styles, self._date1904, strings_part = parts
                _check_inflation(self._zip, [self._sheet_part, strings_part], self.limits)
                # Each slice re-reads the styles: a workbook with very many keeps slices larger.
                self.slice_bytes = min(SLICE_MAX_BYTES, max(SLICE_BYTES, 4 * len(self._styles)))
                self._strings = _SharedStrings(self._zip, strings_part, self.limits)
            records = self._records()
            try:
                for number, values in records:
                    self.header_row = number
                    self.headers = trim_end([_header_text(v) for v in values])
                    break
            finally:
                records.close()
        except BaseException:
            self.close()
            raise
        if not self.headers:
            self.close()
            raise UnreadableFile(_("The file has no header row."))
        if len(self.headers) > self.limits.columns:
            self.close()
            raise too_many_columns(len(self.headers), self.limits.columns)

    def close(self) -> None:
        if self._strings is not None:
            self._strings.close()
        self._zip.close()

    def rows(self) -> Iterator[Record]:
        width = len(self.headers)
        for number, values in self._records():
            if number <= self.header_row:
                continue
            if len(values) < width:
                values.extend([None] * (width - len(values)))
            # A sheet is a rectangle: the empty cells right of the header only pad its width.
            while len(values) > width and values[-1] is None:
                values.pop()
            yield number, values

    def _records(self) -> Generator[Record, None, None]:
        """Every non-blank row of the sheet, converted, with its row number.

        The reader numbers the rows, not the file: a row's number is its `r` when that follows
        the previous row's, else the previous row's plus one (the `r` of rows and cells is
        optional, and some generators write it on the header only). So every row read has a
        number of its own, in the order of the file."""
        with _damage_as_unreadable():
            last = 0
            for body, prefix in self._slices():
                extent = self._plain_extent(body, prefix, last)
                if extent is not None:  # the cells' own references can be trusted as they are
                    yield from self._parse_slice(body, None)
                    last = extent
                    continue
                for part, numbers in self._renumbered(body, last):
                    yield from self._parse_slice(part, numbers)
                    last = numbers[-1]

    def _plain_extent(self, body: bytes, prefix: bytes, last: int) -> int | None:
        """The last row of a slice written as Excel writes it (every cell's reference first,
        rows in order after `last`, within the limits, a small grid); None otherwise."""
        cells = body.count(b"<" + prefix + b"c")
        if not cells or body.count(b":c") != (cells if prefix else 0):
            return None  # no cells, or cells of another prefix
        rows_of, wide = _plain_cells(prefix)
        digits = rows_of.findall(body)
        if len(digits) != cells:
            return None
        numbers = sorted(map(int, set(digits)))
        first, end = numbers[0], numbers[-1]
        if (
            first <= last
            or sum(1 for _group in groupby(digits)) != len(numbers)
            or body.count(b"<" + prefix + b"row") != len(numbers)
        ):
            return None  # rows out of order, two rows of one number, or rows without cells
        width = 26
        if wide.search(body):
            width = max(map(_column_number, set(wide.findall(body))))
        if width > self.limits.columns or (end - first + 1) * width > GRID_CELLS:
            return None
        return end

    def _renumbered(self, body: bytes, last: int) -> Iterator[tuple[bytes, list[int]]]:
        """The slice's rows with the numbers the reader gives them, in parts whose grid stays
        small: each part's rows are numbered 1, 2, 3… inside it, and each cell's reference
        names its own row and column; with the real number of each of those rows."""
        tags = list(_ROW_TAG.finditer(body))
        part: list[bytes] = []
        numbers: list[int] = []
        width = 0
        for i, tag in enumerate(tags):
            end = tags[i + 1].start() if i + 1 < len(tags) else len(body)
            inner = body[tag.end() : end]
            number = _row_number(tag.group(2), inner)
            number = number if number is not None and number > last else last + 1
            last = number
            if part and (len(part) + 1) * max(width, 1) > GRID_CELLS:
                yield b"".join(part), numbers
                part, numbers, width = [], [], 0
            local = len(part) + 1
            cells, row_width = self._cells_renumbered(inner, local, number)
            width = max(width, row_width)
            attrs = _R_ATTR.sub(b"", tag.group(2))
            part.append(b'<%s r="%d"%s%s>%s' % (tag.group(1), local, attrs, tag.group(3), cells))
            numbers.append(number)
        if part:
            yield b"".join(part), numbers

    def _cells_renumbered(self, inner: bytes, local: int, number: int) -> tuple[bytes, int]:
        """A row's cells with references to `local`, columns as written when they go right,
        else the next one; cells past the column limit dropped when empty, refused when not."""
        column = 0
        row = str(local).encode()

        def cell(match: re.Match) -> bytes:
            nonlocal column
            tag, attrs, content = match.group(1), match.group(2), match.group(3)
            wanted = 0
            ref = _R_ATTR.search(attrs)
            if ref:
                found = _REF.fullmatch(ref.group(2))
                wanted = _column_number(found.group(1).upper()) if found else 0
            column = wanted if wanted > column else column + 1
            if column > self.limits.columns:
                if content and _HAS_VALUE.search(content):
                    raise UnreadableFile(
                        _(
                            "Row %(row)s has a value in column %(column)s: an import reads at"
                            " most %(limit)s columns."
                        )
                        % {"row": number, "column": column, "limit": self.limits.columns}
                    )
                return b""
            attrs = _R_ATTR.sub(b"", attrs)
            start = b'<%s r="%s%s"%s' % (tag, _column_letters(column), row, attrs)
            if content is None:
                return start + b"/>"
            return start + b">" + content + b"</" + tag + b">"

        return _CELL.sub(cell, inner), column

    def _slices(self) -> Iterator[tuple[bytes, bytes]]:
        """The sheet's rows as bytes, cut after a row end into slices of about
        `slice_bytes`, each with the tag prefix in use (b"" or e.g. b"x:")."""
        row_limit = self.limits.row_bytes
        with self._zip.open(self._sheet_part) as stream:
            buffer = b""
            while True:
                chunk = stream.read(READ_BYTES)
                buffer += chunk
                match = _SHEET_DATA.search(buffer)
                if match:
                    break
                if not chunk:
                    return  # no sheetData: an empty sheet
                if len(buffer) > 16 * READ_BYTES:
                    raise UnreadableFile(_("Cannot read this XLSX: no rows were found."))
            if match.group(2) == b"/":
                return
            prefix = match.group(1)
            self._head = _DIMENSION.sub(b"", buffer[: match.end()])
            root = _ROOT.search(self._head)
            root_tag = root.group(1) if root else prefix + b"worksheet"
            self._tail = b"</" + prefix + b"sheetData></" + root_tag + b">"
            row_end, data_end = b"</" + prefix + b"row>", b"</" + prefix + b"sheetData>"
            buffer = buffer[match.end() :]
            while True:
                end = buffer.find(data_end)
                limit = len(buffer) if end < 0 else end
                start = 0
                while limit - start >= self.slice_bytes:
                    cut = buffer.find(row_end, start + self.slice_bytes - len(row_end), limit)
                    if cut < 0:
                        break
                    cut += len(row_end)
                    yield buffer[start:cut], prefix
                    start = cut
                if end >= 0 or not chunk:
                    # Without the end of the sheet's data, the rows that are whole are read.
                    last = end if end >= 0 else max(start, buffer.rfind(row_end) + len(row_end))
                    if buffer[start:last].strip():
                        yield buffer[start:last], prefix
                    return
                buffer = buffer[start:]
                # What follows the last row end is one row still open: it may not grow past
                # the limit (a 64 MB cell would otherwise be read whole).
                if len(buffer) - (buffer.rfind(row_end) + len(row_end)) > row_limit + READ_BYTES:
                    raise UnreadableFile(
                        _(
                            "Cannot read this XLSX: a row holds more than %(size)s KB; a cell"
                            " holds at most %(chars)s characters."
                        )
                        % {"size": row_limit // 1024, "chars": self.limits.cell_chars}
                    )
                chunk = stream.read(READ_BYTES)
                buffer += chunk

    def _parse_slice(self, body: bytes, numbers: list[int] | None) -> Iterator[Record]:
        """The rows of a slice through calamine; `numbers` gives each row of the slice its
        number (None: the row numbers in the slice are the real ones)."""
        # Excel writes r, s, t in that order: a plain replace rewrites nearly every cell; the
        # expression catches the other orders and quotes.
        shared = b't="s"' in body
        if shared:
            body = body.replace(b' t="s"><v>', b' t="str"><v>' + MARK.encode())
        if b't="s"' in body or b"t='s'" in body:
            shared = True
            body = _SHARED_CELL.sub(rb'\1"str"\3' + MARK.encode(), body)
        if b't="e"' in body or b"t='e'" in body:
            body = _ERROR_CELL.sub(rb'\1"str"', body)
        package = io.BytesIO()
        with zipfile.ZipFile(package, "w", zipfile.ZIP_STORED) as mini:
            mini.writestr("[Content_Types].xml", _CONTENT_TYPES)
            mini.writestr("_rels/.rels", _PACKAGE_RELS)
            mini.writestr("xl/workbook.xml", _workbook_xml(self._date1904))
            mini.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
            mini.writestr("xl/styles.xml", self._styles)
            mini.writestr("xl/worksheets/sheet1.xml", self._head + body + self._tail)
        del body
        package.seek(0)
        with load_workbook(package) as book:
            sheet = book.get_sheet_by_index(0)
            start = sheet.start
            if start is None:
                return
            first_row, first_column = start
            data = sheet.to_python(skip_empty_area=True)
        strings = self._strings.get if shared and self._strings is not None else None
        cell_chars = self.limits.cell_chars
        pad = [None] * first_column
        for index, row in enumerate(data, first_row):
            if strings is not None:
                row = [strings(int(v[1:])) if type(v) is str and v[:1] == MARK else v for v in row]
            # calamine gives "" for an empty cell and 1.0 for the number 1.
            values = [
                (v.strip() or None)
                if type(v) is str
                else (int(v) if type(v) is float and v.is_integer() else v)
                for v in row
            ]
            if values.count(None) == len(values):
                continue
            number = index + 1 if numbers is None else numbers[index]
            for value in values:
                if type(value) is str and len(value) > cell_chars:
                    column = values.index(value) + first_column + 1
                    raise cell_too_long(number, column, cell_chars)
            if first_column:
                values[:0] = pad
            yield number, values


@contextlib.contextmanager
def _damage_as_unreadable() -> Iterator[None]:
    """A damaged workbook makes zipfile, zlib, expat or calamine raise all sorts of errors (a
    Rust panic in calamine even comes as a BaseException): the person gets one clear message."""
    try:
        yield
    except UnreadableFile:
        raise
    except CalamineError as exc:
        raise UnreadableFile(_("Cannot read this XLSX: %(reason)s") % {"reason": exc}) from exc
    except (GeneratorExit, KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise UnreadableFile(_("Cannot read this XLSX: the file is damaged.")) from exc


def _workbook_xml(date1904: bool) -> bytes:
    properties = b'<workbookPr date1904="1"/>' if date1904 else b""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + _MAIN_NS.encode() + b'"'
        b' xmlns:r="' + _REL_NS.encode() + b'">' + properties + b'<sheets><sheet name="Sheet1"'
        b' sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


@functools.cache
def _plain_cells(prefix: bytes) -> tuple[re.Pattern, re.Pattern]:
    """A cell as Excel, LibreOffice and openpyxl write it, its reference first in capitals:
    the row of each, and the letters of those past column Z."""
    start = b"<" + re.escape(prefix) + b'c r="'
    return (
        re.compile(start + rb"[A-Z]{1,3}([1-9][0-9]{0,6})\""),
        re.compile(start + rb"([A-Z]{2,3})[1-9]"),
    )


def _column_number(letters: bytes) -> int:
    """A column's number from its letters: A is 1, Z 26, AA 27, XFD 16,384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> bytes:
    letters = b""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = bytes([65 + rest]) + letters
    return letters


def _row_number(attrs: bytes, inner: bytes) -> int | None:
    """The number a row gives itself: its own r, else its first cell's reference."""
    ref = _R_ATTR.search(attrs)
    if ref is not None:
        return int(ref.group(2)) if ref.group(2).isdigit() else None
    cell = _CELL.search(inner)
    ref = _R_ATTR.search(cell.group(2)) if cell else None
    found = _REF.fullmatch(ref.group(2)) if ref else None
    return int(found.group(2)) if found and found.group(2) else None


def estimate_xlsx(path: Path) -> int | None:
    with zipfile.ZipFile(path) as book:
        part = _workbook_parts(book)[0]
        size = book.getinfo(part).file_size
        with book.open(part) as stream:
            head = stream.read(256 * 1024)
            complete = not stream.read(1)
    dimension = re.search(rb"<(?:[\w.-]+:)?dimension\b[^>]*\bref=\"[A-Z]*(\d+):[A-Z]*(\d+)\"", head)
    if dimension:
        first, last = int(dimension.group(1)), int(dimension.group(2))
        if last > first:
            return last - first
    rows = len(re.findall(rb"<(?:[\w.-]+:)?row[\s>/]", head))
    if not rows:
        return None
    if complete:
        return max(rows - 1, 0)
    return max(int(rows * size / len(head)) - 1, 0)
