"""Downloads in the API (DESIGN §7): the clients in their import columns, filtered like
GET /api/v1/clients, and the import templates.

This router is added before the clients and imports routers: ninja's `{client_id}` and
`{id}` match any text, so `/clients/export` and `/imports/template` must be found first.
"""

from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Query, Router

from clientdesk.clients import queries

# The filters are parsed exactly as GET /api/v1/clients parses them.
from clientdesk.clients.api import (
    ORDER_HELP,
    ORDER_PATTERN,
    REPEATABLE,
    EngagementFilter,
    StatusFilter,
    Text,
    client_filters,
    extra_filter_values,
)
from clientdesk.core.api_schemas import MAX_ID, NO_NUL, ErrorOut
from clientdesk.core.roles import require
from clientdesk.transfer import exports
from clientdesk.transfer.import_templates import (
    CONTENT_TYPES,
    template_csv,
    template_filename,
    template_xlsx,
)
from clientdesk.transfer.kinds import CLIENTS, KINDS

router = Router(tags=["imports and exports"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
FILE = {
    "200": {
        "description": "The file, as an attachment.",
        "content": {
            CONTENT_TYPES["csv"]: {"schema": {"type": "string"}},
            CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
Format = Literal["csv", "xlsx"]


@router.get("/clients/export", response=ERRORS, openapi_extra={"responses": FILE})
def clients_export(
    request,
    format: Annotated[Format, Query(description="csv (UTF-8 with BOM) or xlsx.")] = "csv",
    status: Annotated[StatusFilter | None, Query(description=REPEATABLE)] = None,
    engagement: Annotated[EngagementFilter | None, Query(description=REPEATABLE)] = None,
    industry: Annotated[Text | None, Query(description="The industry's id or name.")] = None,
    manager: Annotated[Text | None, Query(description="The manager's email.")] = None,
    parent: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="The direct sub-clients of this id.")
    ] = None,
    q: Annotated[str, Query(pattern=NO_NUL, description="Searches name and prefix.")] = "",
    archived: Annotated[bool, Query(description="true: the archived clients only.")] = False,
    tag: Annotated[Text | None, Query(description="The tag's id or name.")] = None,
    order: Annotated[str, Query(pattern=ORDER_PATTERN, description=ORDER_HELP)] = (
        queries.DEFAULT_SORT
    ),
):
    """Every client matching the filters of `GET /api/v1/clients`, in the clients import
    template's columns (headers are its labels), so that the file imports back unchanged.

    Streamed, CSV and XLSX alike: the file starts at once and comes as it is read. Managers
    and above.
    """
    require(request.membership, "clients.export")
    account = request.account
    filters, sort, descending = client_filters(
        account,
        status=status,
        engagement=engagement,
        industry=industry,
        manager=manager,
        parent=parent,
        q=q,
        archived=archived,
        tag=tag,
        order=order,
        membership=request.membership,
        extra=extra_filter_values(request),
    )
    chunks = (
        iter(())
        if filters is None
        else exports.listed_client_chunks(
            membership=request.membership,
            filters=filters,
            sort=sort,
            descending=descending,
            only=exports.IMPORT_FIELDS,
        )
    )
    return exports.export_response(
        format,
        filename=exports.export_filename(account, "clients"),
        header=exports.import_header(CLIENTS),
        rows=exports.client_chunk_rows_for_import(chunks, account),
        title=str(CLIENTS.label),
    )


@router.get("/imports/template", response=ERRORS, openapi_extra={"responses": FILE})
def import_template(
    request,
    kind: Annotated[
        Literal[tuple(KINDS)],  # type: ignore[valid-type]
        Query(description="What the file imports."),
    ],
    format: Annotated[Format, Query(description="csv or xlsx.")] = "csv",
):
    """A blank file to fill in: the header labels and an example row (CSV), or the XLSX with
    the required columns in yellow, drop-down lists and a sheet explaining each column.
    Needs the import role (managers and above)."""
    require(request.membership, "clients.import")
    if kind not in KINDS:
        raise ValidationError(
            {"kind": _("Unknown kind; use one of: %(kinds)s.") % {"kinds": ", ".join(KINDS)}}
        )
    build = template_csv if format == "csv" else template_xlsx
    response = HttpResponse(build(kind, request.account), content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = (
        content_disposition_header(True, template_filename(kind, format)) or ""
    )
    return response
