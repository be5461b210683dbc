"""The clients API (DESIGN §7): list, read, edit, delete, status changes, history; creating
goes through onboarding.api, which adds `POST /clients` to this router.

Handlers parse, look the client up through the membership's scope (anything not visible is
the same 404 as missing), check the role, and call the one write path in clients.services.
"""

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as Answer
from pydantic import StringConstraints

from clientdesk.clients import queries
from clientdesk.clients.models import Client, Engagement, Industry, Status, Tag
from clientdesk.clients.schemas import (
    COUNTS,
    ClientOut,
    ClientPage,
    ClientPatchIn,
    ConflictOut,
    HistoryOut,
    StatusIn,
)
from clientdesk.clients.services import (
    StaleVersion,
    client_change_status,
    client_delete,
    client_set_archived,
    client_set_tags,
    client_undelete,
    client_update,
)
from clientdesk.core import registry
from clientdesk.core.api_schemas import (
    MAX_ID,
    NO_NUL,
    NUL_MESSAGE,
    Cursor,
    ErrorOut,
    Id,
    Limit,
    choices_list,
    documented_body,
    id_from_text,
    read_body,
)
from clientdesk.core.models import Membership
from clientdesk.core.roles import can, require

router = Router(tags=["clients"])

READ = {401: ErrorOut, 404: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}
# The service names model fields; the API names its own (parent_id, billing.email, …).
API_FIELD = {
    "parent": "parent_id",
    "manager": "manager_email",
    "billing_email": "billing.email",
    "billing_address": "billing.address",
    "tax_id": "billing.tax_id",
    "payment_terms": "billing.payment_terms",
    "currency": "billing.currency",
}
PLAIN_FIELDS = ("prefix", "name", "description", "license", "email_domains")
BILLING_FIELD = {
    "email": "billing_email",
    "address": "billing_address",
    "tax_id": "tax_id",
    "payment_terms": "payment_terms",
    "currency": "currency",
}
REPEATABLE = "Repeat it or give a comma list."
ORDER_HELP = (
    "One of "
    + ", ".join(queries.SORTS)
    + " (and the columns other parts add: project_opportunity, revenue_opportunity, …);"
    " a leading - sorts descending."
)
# The list filters, as GET /clients and its export take them (and the document says).
StatusFilter = list[Annotated[str, StringConstraints(pattern=choices_list(Status.values))]]
EngagementFilter = list[Annotated[str, StringConstraints(pattern=choices_list(Engagement.values))]]
# Checked against queries.sorts() when asked: other domains add sorts at start-up.
ORDER_PATTERN = r"^-?[a-z_]{1,40}$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]


# Reading ---------------------------------------------------------------------------------


def counts_for(membership: Membership, clients: list[Client]) -> dict[int, dict]:
    """Each client's `counts`, from the domains that count (core.registry.client_counts), in a
    fixed number of queries for the whole list; a count no domain keeps yet is null."""
    found: dict[int, dict] = {c.pk: dict.fromkeys(COUNTS) for c in clients}
    for provider in registry.client_counts.all():
        for pk, values in provider.count(membership, clients).items():
            found[pk].update(values)
    return found


def fields_for(membership: Membership, clients: list[Client]) -> dict[int, dict]:
    """The fields other domains keep for each client (core.registry.client_fields)."""
    found: dict[int, dict] = {c.pk: {} for c in clients}
    for field in registry.client_fields.all():
        for pk, value in field.read(membership, clients).items():
            found[pk][field.key] = value
    return found


def client_out(
    client: Client,
    tag_names: list[str],
    membership: Membership,
    counts: dict,
    fields: dict | None = None,
) -> dict:
    money = can(membership, "money.read")
    if fields is None:
        fields = fields_for(membership, [client])[client.pk]
    return {
        "id": client.pk,
        "prefix": client.prefix,
        "name": client.name,
        "description": client.description,
        "status": client.status,
        "engagement": client.engagement,
        "industry": client.industry.name if client.industry_id else None,
        "parent_id": client.parent_id,
        "manager_email": client.manager.email if client.manager_id else None,
        "license": client.license,
        "email_domains": client.email_domains or [],
        "billing": {
            "email": client.billing_email,
            "address": client.billing_address,
            "tax_id": client.tax_id,
            "payment_terms": client.payment_terms,
            "currency": client.currency,
        }
        if money
        else None,
        "sla": fields.get("sla", []),
        "tags": tag_names,
        "created_at": client.created_at,
        "activated_at": client.activated_at,
        "archived": client.archived,
        "version": client.version,
        "counts": counts,
        # Kept by the software domain (core.registry.client_fields); without it, unknown.
        "opportunity": fields.get(
            "opportunity",
            {"missing_apps": [], "problematic_apps": [], "project": None, "revenue": None},
        ),
    }


def one_client(client: Client, membership: Membership) -> dict:
    names = sorted(client.tags.values_list("name", flat=True), key=str.lower)
    return client_out(client, names, membership, counts_for(membership, [client])[client.pk])


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _check_choices(field: str, values: list[str], allowed) -> None:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError(
            {
                field: _("Unknown value %(values)s; use one of: %(allowed)s.")
                % {"values": ", ".join(unknown), "allowed": ", ".join(allowed)}
            }
        )


def _id_or_name(model, account, value: str):
    """The id of this account's industry or tag named by id or by name (None: no such one)."""
    value = value.strip()
    rows = model.objects.for_account(account)
    pk = id_from_text(value)
    rows = rows.filter(pk=pk) if pk else rows.filter(name__iexact=value)
    return rows.values_list("pk", flat=True).first()


def _manager_id(account, email: str):
    return (
        Membership.objects.for_account(account)
        .filter(user__email__iexact=email.strip())
        .values_list("user_id", flat=True)
        .first()
    )


def extra_filter_values(request) -> dict:
    """The other domains' filters (core.registry.client_filters) of the query string, parsed;
    a value a filter refuses is a 422 naming it. A filter the member may not use (its
    capability) is ignored, as on the page."""
    found = {}
    for entry in queries.extra_filters(request.membership):
        raw = request.GET.get(entry.key, "").strip()
        if not raw:
            continue
        if "\x00" in raw:
            raise ValidationError({entry.key: NUL_MESSAGE})
        try:
            value = entry.parse(raw)
        except ValueError as exc:
            raise ValidationError({entry.key: str(exc)}) from None
        if value is not None:
            found[entry.key] = value
    return found


def client_filters(
    account,
    *,
    status,
    engagement,
    industry,
    manager,
    parent,
    q,
    archived,
    tag,
    order,
    membership: Membership | None = None,
    extra: dict | None = None,
) -> tuple[queries.ClientFilters | None, str, bool]:
    """The list filters of GET /api/v1/clients (and its export), checked: (filters, sort,
    descending); filters is None when one names nothing in this account (no client matches).
    `extra` holds the other domains' filters (`extra_filter_values`)."""
    for name, value in (("q", q), ("industry", industry), ("manager", manager), ("tag", tag)):
        if value and "\x00" in value:
            raise ValidationError({name: NUL_MESSAGE})
    statuses, engagements = _split(status), _split(engagement)
    _check_choices("status", statuses, Status.values)
    _check_choices("engagement", engagements, Engagement.values)
    sort, descending = order.removeprefix("-"), order.startswith("-")
    _check_choices("order", [sort], list(queries.sorts(membership)))
    filters = queries.ClientFilters(
        tab="all",
        q=q,
        status=statuses,
        engagement=engagements,
        parent=parent,
        archived=archived,
        extra=extra or {},
    )
    for name, value, lookup in (
        ("industry", industry, lambda v: _id_or_name(Industry, account, v)),
        ("tag", tag, lambda v: _id_or_name(Tag, account, v)),
        ("manager", manager, lambda v: _manager_id(account, v)),
    ):
        if value:
            found = lookup(value)
            if found is None:
                return None, sort, descending
            setattr(filters, name, found)
    return filters, sort, descending


@router.get("/clients", response={200: ClientPage, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut})
def clients_list(
    request,
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
    cursor: Cursor = None,
    limit: Limit = 50,
):
    """The clients the token's person may see, `limit` at a time; pass `next` as `cursor`.

    Other parts add filters (`has_problematic_apps`, `problematic_app`,
    `min_project_opportunity`: docs/api.md) and sorts (`project_opportunity`,
    `revenue_opportunity`)."""
    filters, sort, descending = client_filters(
        request.account,
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
    if filters is None:
        return {"items": [], "next": None}
    page = queries.client_page(
        membership=request.membership,
        filters=filters,
        sort=sort,
        descending=descending,
        cursor=cursor,
        limit=limit,
    )
    counts = counts_for(request.membership, page.items)
    fields = fields_for(request.membership, page.items)
    return {
        "items": [
            client_out(c, c.tag_names, request.membership, counts[c.pk], fields[c.pk])
            for c in page.items
        ],
        "next": page.next,
    }


@router.get("/clients/{client_id}", response={200: ClientOut, **READ})
def client_get(request, client_id: Id):
    """One client; 404 when it is missing, deleted, another account's or outside your list."""
    client = queries.get_client(membership=request.membership, pk=client_id)
    return one_client(client, request.membership)


@router.get("/clients/{client_id}/history", response={200: HistoryOut, **READ})
def client_history(request, client_id: Id):
    """Every status change, oldest first; the first row has `from_status` null."""
    client = queries.get_client(membership=request.membership, pk=client_id)
    return {
        "items": [
            {
                "from_status": row.from_status,
                "to_status": row.to_status,
                "at": row.at,
                "by": row.by.email if row.by_id else None,
                "reason": row.reason,
            }
            for row in queries.history(client=client)
        ]
    }


# Writing ---------------------------------------------------------------------------------


@contextmanager
def api_fields(**extra: str) -> Iterator[None]:
    """Re-key the service's ValidationError by the API's field names."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        names = API_FIELD | extra
        raise ValidationError(
            {names.get(field, field): messages for field, messages in exc.message_dict.items()}
        ) from None


def aware(value: datetime | None, account) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, zoneinfo.ZoneInfo(account.time_zone))


def industry_of(account, value: int | str | None) -> Industry | None:
    if value is None or value == "":
        return None
    rows = Industry.objects.for_account(account)
    text = str(value).strip()
    pk = id_from_text(text)
    found = (rows.filter(pk=pk) if pk else rows.filter(name__iexact=text)).first()
    if found is None:
        raise ValidationError(
            {"industry": _("No industry %(value)s in this account.") % {"value": value}}
        )
    return found


def parent_of(membership: Membership, parent_id: int | None) -> Client | None:
    if parent_id is None:
        return None
    found = queries.live_clients(membership).filter(pk=parent_id).first()
    if found is None:
        raise ValidationError(
            {"parent_id": _("No client with id %(id)s to put it under.") % {"id": parent_id}}
        )
    return found


def manager_of(account, email: str | None):
    if not email:
        return None
    found = (
        Membership.objects.for_account(account)
        .filter(user__email__iexact=email.strip())
        .select_related("user")
        .first()
    )
    if found is None:
        raise ValidationError(
            {
                "manager_email": _("No member of this account's team has the email %(email)s.")
                % {"email": email}
            }
        )
    return found.user


@router.patch("/clients/{client_id}", response={200: ClientOut, **WRITE})
def client_patch(request, client_id: Id, payload: ClientPatchIn):
    """Change the fields given. A stale `version` answers 409 with the client as it is now."""
    client = queries.get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.write")
    given = payload.model_fields_set - {"version"}
    account = request.account
    # The schema types refuse null for these, so a given field always holds a value.
    fields: dict = {name: getattr(payload, name) for name in PLAIN_FIELDS if name in given}
    if "industry" in given:
        fields["industry"] = industry_of(account, payload.industry)
    if "manager_email" in given:
        fields["manager"] = manager_of(account, payload.manager_email)
    if "billing" in given:
        for key in payload.billing.model_fields_set:
            fields[BILLING_FIELD[key]] = getattr(payload.billing, key)
    parent = (
        parent_of(request.membership, payload.parent_id) if "parent_id" in given else "unchanged"
    )
    try:
        with transaction.atomic(), api_fields():
            client = client_update(
                client=client,
                actor=request.membership,
                version=payload.version,
                parent=parent,
                **fields,
            )
            if "tags" in given:
                client = client_set_tags(
                    client=client, actor=request.membership, names=payload.tags
                )
            if "archived" in given:
                client = client_set_archived(
                    client=client, actor=request.membership, archived=payload.archived
                )
            # The fields other domains keep (core.registry.client_fields), in this transaction.
            for field in registry.client_fields.all():
                if field.key in given and field.write is not None:
                    if field.capability:
                        require(request.membership, field.capability)
                    field.write(request.membership, client, getattr(payload, field.key))
    except StaleVersion as stale:
        current = queries.get_client(membership=request.membership, pk=client_id)
        message = _("Someone changed this client since you read it; it is now at version %(v)s.")
        return Answer(
            409,
            {
                "detail": _("This client changed since you read it."),
                "errors": {"version": [message % {"v": stale.current.version}]},
                "current": one_client(current, request.membership),
            },
        )
    return one_client(client, request.membership)


@router.delete("/clients/{client_id}", response={204: None, **WRITE})
def client_remove(request, client_id: Id):
    """Soft delete: the client leaves every list; an owner can restore it for 30 days."""
    client = queries.get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.write")
    try:
        client_delete(client=client, actor=request.membership)
    except ValidationError as exc:
        return Answer(409, {"detail": " ".join(exc.messages), "errors": {"__all__": exc.messages}})
    return Answer(204, None)


@router.post("/clients/{client_id}/restore", response={200: ClientOut, **WRITE})
def client_restore(request, client_id: Id):
    """Undo a soft delete (owners), within 30 days of it; the client comes back as it was.
    A client that is not deleted is answered as it is. 409 when it can no longer be restored
    (deleted more than 30 days ago, or its parent is deleted too: restore that first)."""
    client = queries.get_client_or_deleted(membership=request.membership, pk=client_id)
    require(request.membership, "clients.undelete")
    try:
        client_undelete(client=client, actor=request.membership)
    except ValidationError as exc:
        return Answer(409, {"detail": " ".join(exc.messages), "errors": {"__all__": exc.messages}})
    return one_client(
        queries.get_client(membership=request.membership, pk=client_id), request.membership
    )


@router.post(
    "/clients/{client_id}/status",
    response={200: ClientOut, **WRITE},
    openapi_extra=documented_body(StatusIn),
)
def client_status(request, client_id: Id):
    """Move the client to another status (DESIGN §2 lists the allowed changes)."""
    client = queries.get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.status")
    # Read only now, so that a client you cannot see is a 404 whatever the body holds.
    payload = read_body(StatusIn, request)
    client = client_change_status(
        client=client,
        actor=request.membership,
        to_status=payload.status,
        reason=payload.reason,
        at=aware(payload.at, request.account),
    )
    return one_client(client, request.membership)
