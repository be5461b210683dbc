"""CSV (and TSV, TXT): encoding and delimiter detected, records streamed through csv.reader."""

import codecs
import csv
import io
import re
from collections.abc import Generator, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from clientdesk.transfer.readers.base import (
    Record,
    Sheet,
    UnreadableFile,
    cell_too_long,
    too_many_columns,
    trim_end,
)
from clientdesk.transfer.readers.limits import limits

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


class CsvSheet(Sheet):
    format = "csv"

    def __init__(self, path: Path, *, named_xlsx: bool = False) -> None:
        self.path = path
        self.limits = limits()
        with path.open("rb") as file:
            sample = file.read(SAMPLE_BYTES)
            complete = not file.read(1)
        self.encoding = _detect_encoding(path, sample)
        text = codecs.getincrementaldecoder(self.encoding)(errors="replace").decode(
            sample, final=complete
        )
        if not _looks_like_text(text):
            if named_xlsx:
                raise UnreadableFile(_("Cannot read this XLSX: the file is damaged."))
            raise UnreadableFile(_("This file is not CSV or XLSX."))
        self.delimiter = _detect_delimiter(text, complete)
        self.headers = []
        records = self._records()
        try:
            for number, values in records:
                if any(values):
                    self.header_row = number
                    self.headers = values
                    break
        finally:
            records.close()
        if not self.headers:
            raise UnreadableFile(_("The file has no header row."))
        self.headers[0] = self.headers[0].lstrip("\ufeff").strip()
        self.headers = trim_end(self.headers)
        if len(self.headers) > self.limits.columns:
            raise too_many_columns(len(self.headers), self.limits.columns)

    def _records(self) -> Generator[Record, None, None]:
        # A fresh handle per pass, so that two passes (preview, then run) never share a position.
        with self.path.open(encoding=self.encoding, errors="replace", newline="") as text:
            reader = csv.reader(text, delimiter=self.delimiter or ",")
            number = 0
            cell_chars, row_chars = self.limits.cell_chars, self.limits.row_bytes
            try:
                for record in reader:
                    number += 1
                    if sum(map(len, record)) > cell_chars:  # rare: then look closer
                        _check_sizes(record, number, cell_chars, row_chars)
                    yield number, [value.strip() for value in record]
            except csv.Error as exc:
                # In practice the one error left with newline="": a field longer than
                # csv.field_size_limit(), which is what an unclosed quote makes of the file.
                raise UnreadableFile(
                    _("Row %(row)d cannot be read: is a quote left open?") % {"row": number + 1}
                ) from exc

    def rows(self) -> Iterator[Record]:
        width = len(self.headers)
        for number, values in self._records():
            if number <= self.header_row or not any(values):
                continue
            if len(values) < width:
                values.extend([""] * (width - len(values)))
            yield number, values


def _check_sizes(record: list[str], number: int, cell_chars: int, row_chars: int) -> None:
    for position, value in enumerate(record):
        if len(value) > cell_chars:
            raise cell_too_long(number, position + 1, cell_chars)
    if sum(map(len, record)) > row_chars:
        raise UnreadableFile(
            _("Row %(row)s holds more than %(limit)s characters.")
            % {"row": number, "limit": f"{row_chars:,}"}
        )


def _detect_encoding(path: Path, sample: bytes) -> str:
    marked = _marked_encoding(sample)
    if marked:
        return marked
    if _is_utf8(path):
        return "utf-8"
    return "cp1252" if not _has_cp1252_holes(path) else "latin-1"


def _marked_encoding(sample: bytes) -> str | None:
    """The encoding told by a byte order mark, or by NUL bytes (UTF-16 without a mark)."""
    if sample.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        # UTF-16 without a mark: text in Latin scripts has a NUL in every other byte.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) // 2 or 1
        if odd > half * 0.3 and even < odd / 4:
            return "utf-16-le"
        if even > half * 0.3 and odd < even / 4:
            return "utf-16-be"
    return None


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as file:
        try:
            while chunk := file.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _has_cp1252_holes(path: Path) -> bool:
    # Five bytes have no character in Windows-1252; a file holding them is read as Latin-1.
    holes = b"\x81\x8d\x8f\x90\x9d"
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            if len(chunk.translate(None, holes)) != len(chunk):
                return True
    return False


def _looks_like_text(text: str) -> bool:
    return len(_CONTROLS.findall(text)) <= len(text) * 0.01


def _detect_delimiter(text: str, complete: bool) -> str:
    """The candidate that gives the header several columns and the most records of the same
    width. A truncated last record of the sample is left out of the count."""
    best: tuple[float, int, int] = (0.0, 1, 0)
    choice, blank = "", ""
    for order, delimiter in enumerate(DELIMITERS):
        try:
            records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
        except csv.Error:
            continue
        if not complete and len(records) > 1:
            records.pop()
        records = [r for r in records if any(v.strip() for v in r)]
        if not records:
            blank = blank or delimiter  # ";;" alone is a blank record, not a header
            continue
        if len(records[0]) < 2:
            continue
        width = len(records[0])
        rest = records[1:51]
        agreement = sum(1 for r in rest if len(r) == width) / len(rest) if rest else 1.0
        score = (agreement, width, -order)
        if score > best:
            best, choice = score, delimiter
    return choice or blank or ","


def estimate_csv(path: Path) -> int:
    """Line breaks counted over the whole file (fast: bytes.count), scaled by the share of
    line breaks that end a record in the first 64 KB (the others are inside quoted fields)."""
    newlines = carriage = 0
    last = b""
    with path.open("rb") as file:
        sample = file.read(SAMPLE_BYTES)
        complete = len(sample) < SAMPLE_BYTES
        chunk = sample
        while chunk:
            newlines += chunk.count(b"\n")
            carriage += chunk.count(b"\r")
            last = chunk[-1:]
            chunk = file.read(1 << 20)
    lines = newlines or carriage
    if last and last not in b"\r\n":
        lines += 1
    # Quotes, delimiters and line breaks are ASCII: any ASCII-compatible decoding counts them.
    text = sample.decode(_marked_encoding(sample) or "latin-1", "replace")
    delimiter = _detect_delimiter(text, complete)
    try:
        records = sum(1 for _r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        records = 0
    breaks = text.count("\n") or text.count("\r")
    if records and breaks and not complete:
        lines = round(lines * min(1.0, records / breaks))
    elif complete:
        lines = records
    return max(lines - 1, 0)
