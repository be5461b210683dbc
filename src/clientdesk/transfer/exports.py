"""Exports: the Clients list as shown, clients and contacts in their import columns, as CSV
or XLSX, streamed so that memory stays flat however many rows.

Rows are read a chunk at a time (keyset pages of the list's own query, or a queryset's
iterator) and turned into lists of plain values; the writers turn those into files:
- CSV is a generator of byte chunks (UTF-8 with a BOM, so Excel reads accents) served with
  StreamingHttpResponse; a text cell that a spreadsheet would run as a formula gets a `'`.
- XLSX is written row by row by openpyxl's write-only workbook into a temporary file, served
  with FileResponse; every text cell is a string cell, never a formula.

`client_rows_for_import` and `contact_rows_for_import` give the values in exactly the shape
the importer reads (labels, dates, emails, prefixes), so an export imported again in upsert
mode changes nothing.
"""

import csv
import io
import tempfile
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from clientdesk.clients import queries as client_queries
from clientdesk.clients.models import Client, ClientTag, Engagement, Status
from clientdesk.contacts.models import Contact
from clientdesk.core import registry
from clientdesk.core.models import Account, Membership
from clientdesk.transfer.import_templates import BOM, CONTENT_TYPES, FORMATS
from clientdesk.transfer.kinds import CLIENTS, CONTACTS, Kind

CHUNK = 2000  # rows read from the database at a time
CSV_ROWS_PER_WRITE = 500  # rows per bytes chunk handed to the web server
FILE_BLOCK = 64 * 1024  # bytes per chunk of an XLSX file handed to the web server
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Row = list[Any]

# Writers ---------------------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would run as a formula, made inert with a leading `'`.

    Only text: numbers and dates are written as such. A phone stored as "-123" gets the quote
    too; that is the rule (a spreadsheet cannot tell it from "-1+A1").
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(header: list[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """The file as byte chunks: the BOM and header first, then a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    yield BOM + buffer.getvalue().encode()
    count = 0
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
        count += 1
        if count == CSV_ROWS_PER_WRITE:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            count = 0
    if count:
        yield buffer.getvalue().encode()


def xlsx_file(header: list[str], rows: Iterable[Row], *, title: str) -> IO[bytes]:
    """The workbook in a temporary file (deleted when closed), rewound to its start.

    The write-only workbook keeps no rows in memory: each is written to disk as it comes.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, label in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(label) + 4, 12), 40)
    bold = Font(bold=True)
    head = []
    for label in header:
        cell = WriteOnlyCell(sheet, label)
        cell.data_type, cell.font = "s", bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        book.save(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


def _cell(sheet, value: Any) -> Any:
    """What to append for one value: the value itself (openpyxl makes the cell, dates get the
    yyyy-mm-dd format), or a cell forced to a string when openpyxl would take the text for a
    formula ("=…") or an error ("#N/A"). Building cells only for those keeps the writer fast:
    openpyxl fills one reused cell per row with plain values."""
    if not isinstance(value, str):
        return value
    if "\r" in value:
        # A CR becomes the LF a spreadsheet uses for a line break (XML turns a bare CR into
        # an LF on reading anyway).
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if ILLEGAL_CHARACTERS_RE.search(value):
        # Characters XML cannot hold are dropped: openpyxl would refuse the whole file.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("=") or value in ERROR_CODES:
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # shown as written, never run
        return cell
    return value


def export_response(fmt: str, *, filename: str, header: list[str], rows: Iterable[Row], title: str):
    """A download of `rows` as CSV (streamed) or XLSX (a file on disk, streamed)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(header, rows), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv") or ""
    else:
        response = FileResponse(
            xlsx_file(header, rows, title=title),
            as_attachment=True,
            filename=f"{filename}.xlsx",
            content_type=CONTENT_TYPES["xlsx"],
        )
        response.block_size = FILE_BLOCK  # read lazily, as the file is streamed
    patch_cache_control(response, private=True, no_store=True)
    return response


def export_filename(account: Account, what: str) -> str:
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(account.time_zone)).date()
    return f"clientdesk-{what}-{today.isoformat()}"


# Reading in chunks ---------------------------------------------------------------------------


def queryset_chunks(queryset: QuerySet, size: int | None = None) -> Iterator[list]:
    """Lists of `size` objects from a queryset's iterator (a server-side cursor on
    PostgreSQL), so that only one chunk is in memory at a time."""
    size = size or CHUNK
    chunk: list = []
    for obj in queryset.iterator(chunk_size=size):
        chunk.append(obj)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def listed_client_chunks(
    *,
    membership: Membership,
    filters: client_queries.ClientFilters,
    sort: str = client_queries.DEFAULT_SORT,
    descending: bool = False,
    size: int | None = None,
) -> Iterator[list[Client]]:
    """The Clients list's rows in its order, page after keyset page of the list's own query
    (clients.queries.client_page): the same scope, filters, tags and hidden parents as the
    page, however many rows."""
    cursor = None
    while True:
        page = client_queries.client_page(
            membership=membership,
            filters=filters,
            sort=sort,
            descending=descending,
            cursor=cursor,
            limit=size or CHUNK,
        )
        if page.items:
            yield page.items
        if not page.next:
            return
        cursor = page.next


# Clients as shown ------------------------------------------------------------------------


def client_rows_as_shown(
    chunks: Iterable[list[Client]],
    *,
    columns: list[str],
    account: Account,
    membership: Membership | None = None,
) -> Iterator[Row]:
    """The values of the Clients page's `columns` (keys of clients.views.listing.COLUMNS, and
    the other domains' columns of core.registry.client_columns, read per chunk for
    `membership`), as the page shows them; dates are the account's calendar days."""
    zone = zoneinfo.ZoneInfo(account.time_zone)
    statuses = _labels(Status.choices)
    engagements = _labels(Engagement.choices)
    getters: dict[str, Callable[[Client], Any]] = {
        "prefix": lambda c: c.prefix,
        "name": lambda c: c.name,
        "status": lambda c: statuses.get(c.status, c.status),
        "engagement": lambda c: engagements.get(c.engagement, c.engagement),
        "industry": lambda c: c.industry.name if c.industry else "",
        "manager": lambda c: c.manager.display_name if c.manager else "",
        "tags": lambda c: ", ".join(c.tag_names),  # type: ignore[attr-defined]
        "parent": lambda c: str(c.parent) if c.parent else "",
        "created": lambda c: _day(c.created_at, zone),
        "status_since": lambda c: _day(c.status_changed_at, zone),
    }
    extra = {c.key: c for c in registry.client_columns.all() if c.key in columns}
    unknown = set(columns) - getters.keys() - extra.keys()
    if unknown or (extra and membership is None):
        raise ValueError(f"no export for the list's columns {sorted(unknown or extra)}")

    def rows() -> Iterator[Row]:
        for chunk in chunks:
            values = {key: c.values(membership, chunk) for key, c in extra.items()}
            for client in chunk:
                row = []
                for key in columns:
                    if key in extra:
                        value = values[key].get(client.pk)
                        export = extra[key].export
                        row.append(
                            export(value) if export else ("" if value is None else str(value))
                        )
                    else:
                        row.append(getters[key](client))
                yield row

    return rows()


# Import columns ------------------------------------------------------------------------------


def import_header(kind: Kind) -> list[str]:
    return [str(c.label) for c in kind.columns]


def client_rows_for_import(
    queryset: QuerySet[Client], account: Account, *, membership: Membership | None = None
) -> Iterator[Row]:
    """One list per client of `queryset`, in the CLIENTS kind's column order, holding what
    the importer reads: status and engagement labels, status since as the account's calendar
    day (a `date`: CSV writes it YYYY-MM-DD, XLSX as a date cell), industry name, manager
    email, parent prefix, tags separated by commas, and the primary contact.

    `queryset` must already be scoped to what the person may see; with `membership`, a
    parent they may not see is left blank, as on the client's page.
    """
    qs = queryset.filter(account_id=account.pk).select_related("industry", "manager", "parent")
    if not qs.ordered:
        qs = qs.order_by("prefix", "id")
    return client_chunk_rows_for_import(queryset_chunks(qs), account, membership=membership)


def client_chunk_rows_for_import(
    chunks: Iterable[list[Client]], account: Account, *, membership: Membership | None = None
) -> Iterator[Row]:
    """As client_rows_for_import, from chunks of clients (e.g. listed_client_chunks)."""
    # Labels are made now, in the request's language, not when a streamed response is read.
    zone = zoneinfo.ZoneInfo(account.time_zone)
    labels = {
        "status": _labels(Status.choices),
        "engagement": _labels(Engagement.choices),
    }
    return _client_rows(chunks, account, zone, labels, membership)


def _client_rows(chunks, account, zone, labels, membership) -> Iterator[Row]:
    statuses, engagements = labels["status"], labels["engagement"]
    for chunk in chunks:
        if membership is not None:
            client_queries.hide_unseen_parents(membership, chunk)
        tags = _tags_of(account, chunk)
        primary = _primary_contacts(account, chunk)
        for c in chunk:
            contact = primary.get(c.pk)
            values = {
                "prefix": c.prefix,
                "name": c.name,
                "description": c.description,
                "status": statuses.get(c.status, c.status),
                "status_since": _day(c.status_changed_at, zone),
                "engagement": engagements.get(c.engagement, c.engagement),
                "industry": c.industry.name if c.industry else "",
                "manager_email": c.manager.email if c.manager else "",
                "parent_prefix": c.parent.prefix if c.parent else "",
                "license": c.license,
                "billing_email": c.billing_email,
                "billing_address": c.billing_address,
                "tax_id": c.tax_id,
                "payment_terms": c.payment_terms,
                "currency": c.currency,
                "tags": ", ".join(tags.get(c.pk, ())),
                "contact_first_name": contact.first_name if contact else "",
                "contact_last_name": contact.last_name if contact else "",
                "contact_email": contact.email if contact else "",
                "contact_phone": contact.phone if contact else "",
            }
            yield [values[column.name] for column in CLIENTS.columns]


def _tags_of(account: Account, clients: list[Client]) -> dict[int, list[str]]:
    """Each client's tag names, sorted ignoring case, in one query for the chunk."""
    found: dict[int, list[str]] = {}
    rows = (
        ClientTag.objects.for_account(account)
        .filter(client_id__in=[c.pk for c in clients])
        .values_list("client_id", "tag__name")
    )
    for client_id, name in rows:
        found.setdefault(client_id, []).append(name)
    return {k: sorted(v, key=str.casefold) for k, v in found.items()}


def _primary_contacts(account: Account, clients: list[Client]) -> dict[int, Contact]:
    rows = (
        Contact.objects.for_account(account)
        .filter(client_id__in=[c.pk for c in clients], is_primary=True, deleted_at=None)
        .only("client_id", "first_name", "last_name", "email", "phone")
    )
    return {contact.client_id: contact for contact in rows}


def contact_rows_for_import(queryset: QuerySet[Contact], account: Account) -> Iterator[Row]:
    """One list per contact of `queryset` (already scoped), in the CONTACTS kind's column
    order: the client's prefix, the fields, and yes/no for primary, secondary and active."""
    yes_no = dict(CONTACTS.column("is_primary").choices(account))  # type: ignore[misc]
    qs = queryset.filter(account_id=account.pk).select_related("client")
    if not qs.ordered:
        qs = qs.order_by("client__prefix", "id")
    return _contact_rows(queryset_chunks(qs), yes_no["yes"], yes_no["no"])


def _contact_rows(chunks, yes: str, no: str) -> Iterator[Row]:
    for chunk in chunks:
        for c in chunk:
            values = {
                "client_prefix": c.client.prefix,
                "first_name": c.first_name,
                "last_name": c.last_name,
                "email": c.email,
                "phone": c.phone,
                "mobile": c.mobile,
                "title": c.title,
                "street": c.street,
                "city": c.city,
                "region": c.region,
                "postcode": c.postcode,
                "country": c.country,
                "is_primary": yes if c.is_primary else no,
                "is_secondary": yes if c.is_secondary else no,
                "active": yes if c.active else no,
                "notes": c.notes,
            }
            yield [values[column.name] for column in CONTACTS.columns]


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _day(moment: datetime | None, zone: zoneinfo.ZoneInfo) -> date | None:
    return timezone.localtime(moment, zone).date() if moment else None
