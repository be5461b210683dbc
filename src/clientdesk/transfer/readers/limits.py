"""How much of a file a reader takes before it stops with a message, whatever the file holds.

An upload is at most 50 MB, but a workbook is a zip: 200 KB of it can inflate to gigabytes of
rows or of shared strings, one cell can hold 64 MB, and a row can reach column XFD. The readers
check these limits as they read, so memory stays bounded by them rather than by the file. Each
one is a setting (settings.py, from the environment)."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Limits:
    columns: int  # a header wider than this cannot be mapped by any kind
    cell_chars: int  # Excel's own limit per cell
    row_bytes: int  # one row's XML (XLSX) or characters (CSV)
    inflated_bytes: int  # the parts of a workbook that are read, inflated, together
    ratio: int  # inflated ÷ compressed size of one part...
    ratio_from_bytes: int  # ...once it inflates past this much
    shared_strings: int  # distinct strings of a workbook
    shared_strings_bytes: int  # their text


def limits() -> Limits:
    mb = 1 << 20
    return Limits(
        columns=settings.IMPORT_MAX_COLUMNS,
        cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        row_bytes=settings.IMPORT_MAX_ROW_KB * 1024,
        inflated_bytes=settings.IMPORT_XLSX_MAX_INFLATED_MB * mb,
        ratio=settings.IMPORT_XLSX_MAX_RATIO,
        ratio_from_bytes=settings.IMPORT_XLSX_RATIO_FROM_MB * mb,
        shared_strings=settings.IMPORT_XLSX_MAX_SHARED_STRINGS,
        shared_strings_bytes=settings.IMPORT_XLSX_MAX_SHARED_STRINGS_MB * mb,
    )
