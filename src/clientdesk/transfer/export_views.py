"""Downloads below /a/<account_slug>/transfer/: the import templates, the Clients list as
shown or in its import columns, and a client's contacts.

The list exports read the same query string as the pages (tab, filters, search, sort) through
the pages' own state classes and queries, so a person exports exactly the rows they see,
allow/deny lists included. Another account's client is a 404 before the role is asked; a role
without `clients.export` is a 403.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clientdesk.clients.queries import get_client
from clientdesk.clients.views.listing import ListState, client_table
from clientdesk.contacts import queries as contact_queries
from clientdesk.contacts.views import ContactListState
from clientdesk.core import registry
from clientdesk.core.roles import require
from clientdesk.transfer import exports
from clientdesk.transfer.import_templates import (
    CONTENT_TYPES,
    FORMATS,
    template_csv,
    template_filename,
    template_xlsx,
)
from clientdesk.transfer.kinds import CLIENTS, CONTACTS, KINDS

COLUMN_SETS = ("shown", "import")


@require_GET
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404
    require(request.membership, "clients.import")
    build = template_csv if fmt == "csv" else template_xlsx
    response = HttpResponse(build(kind, request.account), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        content_disposition_header(True, template_filename(kind, fmt)) or ""
    )
    return response


def _format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format", "csv")
    return fmt if fmt in FORMATS else None


def _bad_request(message: str) -> HttpResponse:
    # Only a hand-edited link gets here: the pages offer the valid choices.
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


@require_GET
def clients_export(request: HttpRequest) -> HttpResponse:
    """`?format=csv|xlsx&columns=shown|import` plus the Clients page's own query string."""
    require(request.membership, "clients.export")
    fmt, columns = _format(request), request.GET.get("columns", "shown")
    if fmt is None:
        return _bad_request(_("Choose the format csv or xlsx."))
    if columns not in COLUMN_SETS:
        return _bad_request(_("Choose the columns shown or import."))
    refusal = ListState.refusal(request.GET)
    if refusal:  # refused before the first row: a stream cannot turn into an error later
        return _bad_request(refusal)
    state = ListState.from_query(request.GET)
    chunks = exports.listed_client_chunks(
        membership=request.membership,
        filters=state.filters,
        sort=state.sort,
        descending=state.descending,
        only=exports.IMPORT_FIELDS if columns == "import" else None,
    )
    account = request.account
    if columns == "shown":
        table = client_table()
        allowed = {c.key for c in registry.client_columns.for_member(request.membership)}
        hidden = {c.key for c in registry.client_columns.all()} - allowed
        shown = [
            key
            for key in table.shown(table.preference(request.membership, state.tab), state.tab)
            if key not in hidden
        ]
        header = [str(table.columns[key]) for key in shown]
        rows = exports.client_rows_as_shown(
            chunks, columns=shown, account=account, membership=request.membership
        )
    else:
        # The list's pages already blank the parents this person may not see.
        header = exports.import_header(CLIENTS)
        rows = exports.client_chunk_rows_for_import(chunks, account)
    return exports.export_response(
        fmt,
        filename=exports.export_filename(account, "clients"),
        header=header,
        rows=rows,
        title=str(CLIENTS.label),
    )


@require_GET
def contacts_export(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client's contacts in the import columns, searched and sorted as on its tab."""
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.export")
    fmt = _format(request)
    if fmt is None:
        return _bad_request(_("Choose the format csv or xlsx."))
    refusal = ContactListState.refusal(request.GET)
    if refusal:
        return _bad_request(refusal)
    state = ContactListState.from_query(request.GET)
    prefix = "-" if state.descending else ""
    contacts = (
        contact_queries.search(
            contact_queries.live_contacts(request.membership).filter(client_id=client.pk), state.q
        )
        .annotate(export_sort=contact_queries.SORTS[state.sort])
        .order_by(f"{prefix}export_sort", f"{prefix}id")
    )
    return exports.export_response(
        fmt,
        filename=exports.export_filename(request.account, f"contacts-{client.prefix}"),
        header=exports.import_header(CONTACTS),
        rows=exports.contact_rows_for_import(contacts, request.account),
        title=str(CONTACTS.label),
    )
