"""The parts of an XLSX package other than the sheet's rows: the relationships that say where
the first sheet and the shared strings are, the workbook's date system, the inflation check of
each part against the readers' limits, and the shared strings, kept as a list or, when large,
in a temporary file read through a window (transfer.readers.workbook reads the rows)."""

import functools
import os
import posixpath
import re
import tempfile
import zipfile
from array import array
from collections.abc import Callable, Iterator
from itertools import accumulate, islice
from typing import IO
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from clientdesk.transfer.readers.base import UnreadableFile
from clientdesk.transfer.readers.limits import Limits

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
READ_BYTES = 1 << 20
SST_LIST_BYTES = 8 << 20  # shared strings up to this much text are kept as a list of str
SST_IN_MEMORY_BYTES = 32 << 20  # and beyond this much, in a temporary file
WINDOW_BYTES = 256 << 10  # read ahead in that file
PART_MAX_BYTES = 16 << 20  # workbook, relationships, styles: a few KB in a real file
SST_LIST_STRINGS = 500_000  # and no more strings than this (a str costs about 50 bytes)
_SI = re.compile(  # the two plain forms first: nearly every string, matched without backtracking
    rb"<si><t>([^<]*)</t></si>|<si><t xml:space=\"preserve\">([^<]*)</t></si>"
    rb"|<(?:[\w.-]+:)?si\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?si>)",
    re.S,
)
_T = re.compile(rb"<(?:[\w.-]+:)?t\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?t>)", re.S)
_PHONETIC = re.compile(rb"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh>", re.S)
_ENTITY = re.compile(r"&(#[xX][0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_NO_STYLES = b'<styleSheet xmlns="' + _MAIN_NS.encode() + b'"/>'  # calamine wants the part


def _check_inflation(book: zipfile.ZipFile, members: list[str | None], limits: Limits) -> None:
    """Refuse a workbook whose parts would inflate past the limits, before reading them.

    zipfile never inflates a member past the size its directory declares (a member that holds
    more fails its check), so the declared sizes bound what reading can cost."""
    infos = [book.getinfo(m) for m in members if m is not None]
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_from_bytes and ratio > limits.ratio:
            raise UnreadableFile(
                _(
                    "Cannot read this XLSX: %(part)s inflates %(ratio)s times, to %(size)s MB;"
                    " a workbook that compresses that well is not a real one."
                )
                % {"part": info.filename, "ratio": int(ratio), "size": info.file_size >> 20}
            )
    total = sum(info.file_size for info in infos)
    if total > limits.inflated_bytes:
        raise UnreadableFile(
            _(
                "Cannot read this XLSX: its sheet inflates to %(size)s MB, more than the"
                " %(limit)s MB an import reads. Split it in parts."
            )
            % {"size": total >> 20, "limit": limits.inflated_bytes >> 20}
        )


def _member(book: zipfile.ZipFile, name: str) -> str | None:
    """The zip member of that name, ignoring case and a leading slash (as Excel does)."""
    wanted = name.lstrip("/").lower()
    for info in book.infolist():
        if info.filename.lower() == wanted:
            return info.filename
    return None


def _read_part(book: zipfile.ZipFile, member: str) -> bytes:
    """A small part read whole; one that inflates beyond reason is a damaged or hostile file."""
    info = book.getinfo(member)
    if info.file_size > PART_MAX_BYTES:
        raise UnreadableFile(_("Cannot read this XLSX: %(part)s is too large.") % {"part": member})
    return book.read(member)


def _xml(book: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    member = _member(book, name)
    if member is None:
        return None
    try:
        # Small parts; expat 2.4+ refuses runaway entity expansion and loads nothing external.
        return ElementTree.fromstring(_read_part(book, member))  # noqa: S314
    except ElementTree.ParseError as exc:
        raise UnreadableFile(
            _("Cannot read this XLSX: %(part)s is damaged.") % {"part": member}
        ) from exc


def _relationships(book: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, target part) of a part's relationships, targets resolved to member names."""
    folder, name = posixpath.split(part)
    root = _xml(book, posixpath.join(folder, "_rels", name + ".rels"))
    found = []
    for rel in root.iter() if root is not None else ():
        if not rel.tag.endswith("Relationship") or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        found.append((rel.get("Id", ""), rel.get("Type", ""), resolved))
    return found


def _workbook_parts(book: zipfile.ZipFile) -> tuple[str, bytes, bool, str | None]:
    """The first sheet's member, the styles, the 1904 date system flag, the shared strings."""
    workbook = next(
        (t for _i, kind, t in _relationships(book, "") if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    if workbook.endswith(".bin"):
        raise UnreadableFile(
            _("This is a binary Excel workbook (.xlsb): save it as XLSX and upload it again.")
        )
    root = _xml(book, workbook)
    if root is None or not root.tag.endswith("workbook"):
        raise UnreadableFile(_("This file is not CSV or XLSX."))
    sheets = [el for el in root.iter() if el.tag.endswith("}sheet") or el.tag == "sheet"]
    if not sheets:
        raise UnreadableFile(_("Cannot read this XLSX: it has no sheet."))
    # The first sheet a person sees: a hidden one (lists for drop-downs, say) is passed over.
    shown = [el for el in sheets if el.get("state", "visible") == "visible"] or sheets
    sheet_id = next((v for k, v in shown[0].attrib.items() if k.endswith("}id")), None)
    properties = next((el for el in root.iter() if el.tag.endswith("workbookPr")), None)
    date1904 = properties is not None and properties.get("date1904", "0") in ("1", "true")
    sheet_part = styles_part = strings_part = None
    for rel_id, kind, target in _relationships(book, workbook):
        if rel_id == sheet_id:
            sheet_part = _member(book, target)
        elif kind.endswith("/styles"):
            styles_part = _member(book, target)
        elif kind.endswith("/sharedStrings"):
            strings_part = _member(book, target)
    if sheet_part is None:
        raise UnreadableFile(_("Cannot read this XLSX: its first sheet is missing."))
    styles = _read_part(book, styles_part) if styles_part else _NO_STYLES
    return sheet_part, styles, date1904, strings_part


class _SharedStrings:
    """The workbook's shared strings by index, looked up through `get`.

    A table of up to SST_LIST_BYTES of text is a plain list (the fastest lookup). A larger one
    stays as raw UTF-8 XML text end to end with 4 bytes of offset per string (a Python str costs
    50 more): in memory up to SST_IN_MEMORY_BYTES, beyond that in a temporary file read back
    with pread. An Excel workbook of 100,000 rows × 20 columns of distinct values holds about
    800,000 strings, 17 MB of text."""

    def __init__(self, book: zipfile.ZipFile, part: str | None, limits: Limits) -> None:
        self._blob = bytearray()
        self._file: IO[bytes] | None = None
        self._fd = -1
        self._window, self._window_at = b"", 0
        self._offsets = array("I", [0])
        self.get: Callable[[int], str] = self._get
        if part is None:
            return
        too_much = UnreadableFile(
            _(
                "Cannot read this XLSX: it holds more than %(count)s distinct texts or %(size)s"
                " MB of them."
            )
            % {"count": f"{limits.shared_strings:,}", "size": limits.shared_strings_bytes >> 20}
        )
        small: list[bytes] | None = []
        with book.open(part) as stream:
            for pieces in _read_shared_strings(stream, limits):
                for piece in pieces:
                    if len(piece) > limits.cell_chars and len(_xml_text(piece)) > limits.cell_chars:
                        raise UnreadableFile(
                            _("Cannot read this XLSX: a text holds more than %(limit)s characters.")
                            % {"limit": f"{limits.cell_chars:,}"}
                        )
                data = b"".join(pieces)
                ends = accumulate(map(len, pieces), initial=self._offsets[-1])
                try:
                    self._offsets.extend(islice(ends, 1, None))
                except OverflowError as exc:
                    raise too_much from exc
                if (
                    len(self._offsets) > limits.shared_strings + 1
                    or self._offsets[-1] > limits.shared_strings_bytes
                ):
                    raise too_much
                if small is not None:
                    small.extend(pieces)
                    if self._offsets[-1] > SST_LIST_BYTES or len(small) > SST_LIST_STRINGS:
                        small = None
                if self._file is None and len(self._blob) + len(data) > SST_IN_MEMORY_BYTES:
                    self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the sheet
                    self._file.write(self._blob)
                    self._blob = bytearray()
                if self._file is None:
                    self._blob += data
                else:
                    self._file.write(data)
        if small is not None:
            self.get = [_xml_text(raw) for raw in small].__getitem__
            self._blob, self._offsets = bytearray(), array("I", [0])
            return
        if self._file is not None:
            self._file.flush()
            self._fd = self._file.fileno()
        # Values that repeat (a status, a country) come from the cache, each time.
        self.get = functools.lru_cache(maxsize=4096)(self._get)

    def _get(self, index: int) -> str:
        start, end = self._offsets[index], self._offsets[index + 1]
        if self._file is None:
            return _xml_text(self._blob[start:end])
        at = self._window_at
        if start < at or end > at + len(self._window):
            # Excel numbers the strings in the order it meets them, so the distinct values of
            # the next rows follow in the file: read ahead, and serve them from memory.
            self._window = os.pread(self._fd, max(WINDOW_BYTES, end - start), start)
            self._window_at = at = start
        return _xml_text(self._window[start - at : end - at])

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _xml_text(raw: bytes | bytearray) -> str:
    text = raw.decode("utf-8", "replace")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:  # Excel's escape of control characters: _x000D_ is a carriage return
        text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _read_shared_strings(stream: IO[bytes], limits: Limits) -> Iterator[list[bytes]]:
    """Per chunk of the table, the raw text of each string (rich text runs joined, phonetic
    guides left out). One string's XML may not pass the limit of a row."""
    buffer = b""
    close = None
    while True:
        chunk = stream.read(READ_BYTES)
        buffer += chunk
        if len(buffer) > limits.row_bytes + READ_BYTES:
            raise UnreadableFile(
                _("Cannot read this XLSX: a text holds more than %(limit)s characters.")
                % {"limit": f"{limits.cell_chars:,}"}
            )
        if close is None:
            first = re.search(rb"<((?:[\w.-]+:)?)si\b", buffer)
            if first is None:
                if not chunk:
                    return
                continue
            close = b"</" + first.group(1) + b"si>"
        cut = buffer.rfind(close) + len(close) if chunk else len(buffer)
        if cut < len(close):
            continue
        yield [
            plain or kept or (b"".join(_T.findall(_PHONETIC.sub(b"", rich))) if rich else b"")
            for plain, kept, rich in _SI.findall(buffer, 0, cut)
        ]
        buffer = buffer[cut:]
        if not chunk:
            return


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _ENTITIES[name]
    try:
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    except (ValueError, OverflowError):
        return "\ufffd"
