"""Exports: the Clients list as shown, clients and contacts in their import columns, as CSV
or XLSX, streamed so that memory stays flat however many rows.

Rows are read a chunk at a time (keyset pages of the list's own query, or a queryset's
iterator) and turned into lists of plain values; the writers turn those into files:
- CSV is a generator of byte chunks (UTF-8 with a BOM, so Excel reads accents) served with
  StreamingHttpResponse; a text cell that a spreadsheet would run as a formula gets a `'`.
- XLSX is streamed too (`transfer.xlsx_stream`): the sheet goes into the zip as its rows
  come, each compressed block out at once; every text cell is a string cell, never a formula.

`client_rows_for_import` and `contact_rows_for_import` give the values in exactly the shape
the importer reads (labels, dates, emails, prefixes), so an export imported again in upsert
mode changes nothing.
"""

import csv
import io
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from clientdesk.clients import queries as client_queries
from clientdesk.clients.models import Client, ClientTag, Engagement, Status
from clientdesk.clients.status import IMPORTED_ONLY
from clientdesk.contacts.models import Contact
from clientdesk.core import registry
from clientdesk.core.models import Account, Membership
from clientdesk.transfer.import_templates import BOM, CONTENT_TYPES, FORMATS
from clientdesk.transfer.kinds import CLIENTS, CONTACTS, Kind
from clientdesk.transfer.xlsx_stream import xlsx_chunks

CHUNK = 2000  # rows read from the database at a time
CSV_ROWS_PER_WRITE = 500  # rows per bytes chunk handed to the web server
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


def export_response(fmt: str, *, filename: str, header: list[str], rows: Iterable[Row], title: str):
    """A download of `rows` as CSV or XLSX, streamed: the first bytes go out before the first
    row is read, and memory holds one chunk of rows."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    chunks = csv_chunks(header, rows) if fmt == "csv" else xlsx_chunks(header, rows, title=title)
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}") or ""
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
    only: tuple[str, ...] | None = None,
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
            only=only,
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


# The fields the import columns read of a client and its relations (listed_client_chunks).
IMPORT_FIELDS = (
    "id",
    "account_id",
    "prefix",
    "name",
    "description",
    "status",
    "status_changed_at",
    "activated_at",
    "engagement",
    "license",
    "billing_email",
    "billing_address",
    "tax_id",
    "payment_terms",
    "currency",
    "industry__name",
    "manager__email",
    "parent__prefix",
    "parent__name",
)


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
        empty = ("", "", "", "")
        for c in chunk:
            first_name, last_name, email, phone = primary.get(c.pk, empty)
            values = {
                "prefix": c.prefix,
                "name": c.name,
                "description": c.description,
                "status": statuses.get(c.status, c.status),
                "status_since": _day(c.status_changed_at, zone),
                # The day service started, for the clients an import brings in with it.
                "client_since": (_day(c.activated_at, zone) if c.status in IMPORTED_ONLY else None),
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
                "contact_first_name": first_name,
                "contact_last_name": last_name,
                "contact_email": email,
                "contact_phone": phone,
            }
            yield [values[column.name] for column in CLIENTS.columns]


def _tags_of(account: Account, clients: list[Client]) -> dict[int, list[str]]:
    """Each client's tag names, sorted ignoring case: those the list's page attached
    (clients.queries.client_page), else in one query for the chunk."""
    found: dict[int, list[str]] = {}
    if clients and all(hasattr(c, "tag_names") for c in clients):
        found = {c.pk: c.tag_names for c in clients}  # type: ignore[attr-defined]
    else:
        rows = (
            ClientTag.objects.for_account(account)
            .filter(client_id__in=[c.pk for c in clients])
            .values_list("client_id", "tag__name")
        )
        for client_id, name in rows:
            found.setdefault(client_id, []).append(name)
    return {k: sorted(v, key=str.casefold) for k, v in found.items() if v}


def _primary_contacts(account: Account, clients: list[Client]) -> dict[int, tuple]:
    """Each client's primary contact as (first name, last name, email, phone), in one query."""
    rows = (
        Contact.objects.for_account(account)
        .filter(client_id__in=[c.pk for c in clients], is_primary=True, deleted_at=None)
        .values_list("client_id", "first_name", "last_name", "email", "phone")
    )
    return {client_id: rest for client_id, *rest in rows}


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
