"""Read what people really upload — CSV of any usual encoding and delimiter, or the first sheet
of an XLSX workbook — as a header row and numbered records, streamed so that memory stays flat
however long the file.

Whatever the file holds, a reader stops with a message rather than grow: the limits of
readers/limits.py (settings CLIENTDESK_IMPORT_*) bound a workbook's inflated parts, a row, a
cell, the shared strings and the header's width.

Row numbers are the ones a person sees, given by the reader: in a spreadsheet, the row number
(its r when it follows the previous row's, else the next number: r is optional); in a CSV, the record
number as a spreadsheet program shows it (header = 1 when nothing precedes it, one number per
record even when a quoted field holds line breaks). Blank records are skipped but keep their
number, so the numbers of the records after them stay right.

CSV: the encoding comes from the byte order mark, else NUL bytes (UTF-16 without a mark), else a
scan of the whole file for valid UTF-8 (a later accented letter in Windows-1252 would otherwise
fail half way), else Windows-1252. The delimiter is the candidate that splits the header into
several columns and the sample's records into the same count most often (csv.Sniffer guesses
wrong on short or quoted samples). Records are then streamed through csv.reader over a
TextIOWrapper with newline="" so that quoted line breaks stay inside their field.

XLSX: measured on this machine (2 cores, shared with other work: load average 1.6–2.8), each
reader in its own process iterating every row, rows/s and peak RSS (ru_maxrss). "inline": 20
columns of client data written by openpyxl write_only (inline strings); "Excel-like": the same
rewritten with a shared-strings table as Excel writes it (800,000 and 8,000,000 distinct strings):

    100,000 rows, inline                              rows/s        peak RSS
      openpyxl 3.1 read_only, iter_rows(values_only)   4,300–6,000    34 MB
      python-calamine 0.9, whole sheet, iter_rows     84,700–86,400   200 MB
      python-calamine 0.9, whole sheet, to_python()   77,400          272 MB
      readers.workbook (calamine over 1 MB slices)    47,500–55,600    42 MB
    100,000 rows, Excel-like
      python-calamine 0.9, whole sheet                76,200–95,400   191 MB
      readers.workbook                                32,600–42,100    75 MB
    1,000,000 rows, inline
      python-calamine 0.9, whole sheet                70,900        1,924 MB
      readers.workbook                                40,500–46,900    43 MB
    1,000,000 rows, Excel-like (shared strings spilled to a temporary file)
      readers.workbook                                27,800–38,400    93–103 MB

CSV, the same 20 columns (a tenth of the records with a quoted line break), UTF-8: 450,000
records (135 MB) at 260,000–346,000 rows/s and 1,000,000 records (300 MB) at 229,000–260,000
rows/s, 28 MB peak either way. Opening (encoding scan, delimiter, header) takes 0.11 s and
estimate_records 0.12 s on the 135 MB file; 0.22 s and 0.24 s on the 300 MB one.

python-calamine has no lazy reader: it loads the whole sheet into a Rust Range (its iter_rows
only walks that Range), about 2 KB per row here, so 1,000,000 rows would need about 2 GB.
openpyxl streams but is far too slow for 10,000 rows/s with the writes on top. So `workbook`
streams the sheet XML out of the zip itself, cuts it after a row end into slices of about 1 MB,
wraps each slice in a minimal in-memory workbook (with the original styles, so that date formats
still give dates) and lets calamine parse that: about two thirds of calamine's speed, with
memory bounded by one slice. Shared strings are read once by `workbook` (calamine would re-read
them for every slice) and the slices' shared-string cells are rewritten as marked values; a
large table of shared strings stays raw text with 4-byte offsets, in a temporary file when it
is very large (what grows with a workbook of distinct strings is then only those offsets).

Values: CSV gives trimmed strings; XLSX gives trimmed strings, int for whole numbers (calamine
returns 1.0 for 1), float, datetime.date / datetime.datetime / datetime.time (timedelta for a
duration format) for date and time cells, bool, None for an empty cell; formulas read as their
cached values, error cells as their text (#DIV/0!). Columns keep the positions a person sees: an
empty column A stays an empty first header.
"""

from pathlib import Path

from django.utils.translation import gettext as _

from clientdesk.transfer.readers.base import Record, Sheet, UnreadableFile
from clientdesk.transfer.readers.delimited import DELIMITERS, CsvSheet, estimate_csv
from clientdesk.transfer.readers.workbook import XlsxSheet, estimate_xlsx

__all__ = ["DELIMITERS", "Record", "Sheet", "UnreadableFile", "estimate_records", "open_sheet"]

XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .xls, or an encrypted workbook


def open_sheet(path: str | Path, filename: str | None = None) -> Sheet:
    """Open a CSV or XLSX file and read its header row. `filename` is the name the person
    uploaded (its extension hints at the format; the content decides when they disagree)."""
    path = Path(path)
    extension = Path(filename or path.name).suffix.lower()
    try:
        with path.open("rb") as file:
            magic = file.read(8)
    except OSError as exc:
        raise UnreadableFile(_("The file could not be opened.")) from exc
    if not magic:
        raise UnreadableFile(_("The file is empty."))
    if magic.startswith(b"PK"):
        sheet: Sheet = XlsxSheet(path)
    elif magic.startswith(OLE_MAGIC):
        raise UnreadableFile(
            _(
                "This is an old Excel (.xls) or password-protected workbook: save it as XLSX"
                " (or CSV) without a password and upload it again."
            )
        )
    else:
        sheet = CsvSheet(path, named_xlsx=extension in XLSX_EXTENSIONS)
    return sheet


def estimate_records(path: str | Path) -> int | None:
    """A cheap estimate of the data records (header excluded), for a progress bar."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            magic = file.read(4)
        if magic.startswith(b"PK"):
            return estimate_xlsx(path)
        return estimate_csv(path)
    except Exception:  # whatever breaks here breaks open_sheet too, which says why
        return None
