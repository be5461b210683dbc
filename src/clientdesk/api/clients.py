"""The clients API (DESIGN §7): list, create, read, edit, delete, status changes, history.

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
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from clientdesk.api.schemas import (
    MAX_ID,
    NUL_MESSAGE,
    ClientCreateIn,
    ClientOut,
    ClientPage,
    ClientPatchIn,
    ConflictOut,
    ErrorOut,
    HistoryOut,
    InvitationOut,
    InviteIn,
    StatusIn,
)
from clientdesk.clients import queries
from clientdesk.clients.models import Client, Engagement, Industry, Status, Tag
from clientdesk.clients.services import (
    StaleVersion,
    client_change_status,
    client_create,
    client_delete,
    client_set_tags,
    client_update,
)
from clientdesk.contacts.queries import (
    ContactCounts,
    contact_counts,
    contact_counts_by_client,
    live_contacts,
)
from clientdesk.contacts.services import contact_create
from clientdesk.core.models import Membership
from clientdesk.core.roles import can, require
from clientdesk.portal.services import CannotInvite, delivery_state, portal_invite

router = Router(tags=["clients"])

READ = {401: ErrorOut, 404: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}
ZERO = "0.00"
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
PLAIN_FIELDS = ("prefix", "name", "description", "license")
BILLING_FIELD = {
    "email": "billing_email",
    "address": "billing_address",
    "tax_id": "tax_id",
    "payment_terms": "payment_terms",
    "currency": "currency",
}
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone")
REPEATABLE = "Repeat it or give a comma list."
ORDER_HELP = "One of " + ", ".join(queries.SORTS) + "; a leading - sorts descending."


# Reading ---------------------------------------------------------------------------------


def client_out(
    client: Client, tag_names: list[str], membership: Membership, contacts: ContactCounts
) -> dict:
    money = can(membership, "money.read")
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
        "billing": {
            "email": client.billing_email,
            "address": client.billing_address,
            "tax_id": client.tax_id,
            "payment_terms": client.payment_terms,
            "currency": client.currency,
        }
        if money
        else None,
        "sla": [],
        "tags": tag_names,
        "created_at": client.created_at,
        "activated_at": client.activated_at,
        "archived": client.archived,
        "version": client.version,
        "counts": {
            "devices": 0,
            "devices_with_subclients": 0,
            "contacts": contacts.own,
            "contacts_with_subclients": contacts.with_subclients,
            "contacts_in_agreement": contacts.in_agreement,
            "contacts_out_of_agreement": contacts.out_of_agreement,
        },
        "opportunity": {
            "missing_apps": [],
            "problematic_apps": [],
            "project": ZERO if money else None,
            "revenue": ZERO if money else None,
        },
    }


def _one(client: Client, membership: Membership) -> dict:
    names = sorted(client.tags.values_list("name", flat=True), key=str.lower)
    return client_out(
        client, names, membership, contact_counts(client=client, membership=membership)
    )


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
    rows = rows.filter(pk=int(value)) if value.isdigit() else rows.filter(name__iexact=value)
    return rows.values_list("pk", flat=True).first()


def _manager_id(account, email: str):
    return (
        Membership.objects.for_account(account)
        .filter(user__email__iexact=email.strip())
        .values_list("user_id", flat=True)
        .first()
    )


def client_filters(
    account, *, status, engagement, industry, manager, parent, q, archived, tag, order
) -> tuple[queries.ClientFilters | None, str, bool]:
    """The list filters of GET /api/v1/clients (and its export), checked: (filters, sort,
    descending); filters is None when one names nothing in this account (no client matches)."""
    for name, value in (("q", q), ("industry", industry), ("manager", manager), ("tag", tag)):
        if value and "\x00" in value:
            raise ValidationError({name: NUL_MESSAGE})
    statuses, engagements = _split(status), _split(engagement)
    _check_choices("status", statuses, Status.values)
    _check_choices("engagement", engagements, Engagement.values)
    sort, descending = order.removeprefix("-"), order.startswith("-")
    _check_choices("order", [sort], list(queries.SORTS))
    filters = queries.ClientFilters(
        tab="all", q=q, status=statuses, engagement=engagements, parent=parent, archived=archived
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
    status: Annotated[list[str] | None, Query(description=REPEATABLE)] = None,
    engagement: Annotated[list[str] | None, Query(description=REPEATABLE)] = None,
    industry: Annotated[str | None, Query(description="The industry's id or name.")] = None,
    manager: Annotated[str | None, Query(description="The manager's email.")] = None,
    parent: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="The direct sub-clients of this id.")
    ] = None,
    q: Annotated[str, Query(description="Searches name and prefix.")] = "",
    archived: Annotated[bool, Query(description="true: the archived clients only.")] = False,
    tag: Annotated[str | None, Query(description="The tag's id or name.")] = None,
    order: Annotated[str, Query(description=ORDER_HELP)] = queries.DEFAULT_SORT,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    """The clients the token's person may see, `limit` at a time; pass `next` as `cursor`."""
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
    counts = contact_counts_by_client(clients=page.items, membership=request.membership)
    return {
        "items": [client_out(c, c.tag_names, request.membership, counts[c.pk]) for c in page.items],
        "next": page.next,
    }


@router.get("/clients/{client_id}", response={200: ClientOut, **READ})
def client_get(request, client_id: int):
    """One client; 404 when it is missing, deleted, another account's or outside your list."""
    client = queries.get_client(membership=request.membership, pk=client_id)
    return _one(client, request.membership)


@router.get("/clients/{client_id}/history", response={200: HistoryOut, **READ})
def client_history(request, client_id: int):
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
def _api_fields(**extra: str) -> Iterator[None]:
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


def _aware(value: datetime | None, account) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, zoneinfo.ZoneInfo(account.time_zone))


def _industry(account, value: int | str | None) -> Industry | None:
    if value is None or value == "":
        return None
    rows = Industry.objects.for_account(account)
    text = str(value).strip()
    found = (
        rows.filter(pk=int(text)) if text.isdigit() else rows.filter(name__iexact=text)
    ).first()
    if found is None:
        raise ValidationError(
            {"industry": _("No industry %(value)s in this account.") % {"value": value}}
        )
    return found


def _parent(membership: Membership, parent_id: int | None) -> Client | None:
    if parent_id is None:
        return None
    found = queries.live_clients(membership).filter(pk=parent_id).first()
    if found is None:
        raise ValidationError(
            {"parent_id": _("No client with id %(id)s to put it under.") % {"id": parent_id}}
        )
    return found


def _manager(account, email: str | None):
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


@router.post("/clients", response={201: ClientOut, **WRITE})
def clients_create(request, payload: ClientCreateIn):
    """Add a client. Needs a manager's role or above.

    `primary_contact` becomes the client's primary contact, in the same transaction: a contact
    the contacts rules refuse leaves no client behind. `sla` is empty until the tickets part
    lands.
    """
    require(request.membership, "clients.write")
    engaged = payload.engagement == Engagement.ENGAGED
    if engaged:
        require(request.membership, "clients.invite")
    if engaged and not (payload.primary_contact and payload.primary_contact.email):
        raise ValidationError(
            {
                "primary_contact.email": _(
                    "An engaged client needs its primary contact's email: the invitation goes there."
                )
            }
        )
    with transaction.atomic():
        client = _create(request, payload)
        if payload.primary_contact:
            contact = payload.primary_contact
            with _api_fields(**{f: f"primary_contact.{f}" for f in CONTACT_FIELDS}):
                primary = contact_create(
                    client=client,
                    actor=request.user,
                    is_primary=True,
                    **{f: getattr(contact, f) for f in CONTACT_FIELDS},
                )
                if engaged:  # the invitation goes out at once: silent → access_sent
                    portal_invite(client=client, actor=request.user, contact=primary)
            client.refresh_from_db()
    return Answer(201, _one(client, request.membership))


def _create(request, payload: ClientCreateIn) -> Client:
    account = request.account
    billing = payload.billing.model_dump() if payload.billing else {}
    with _api_fields(at="status_since"):
        return client_create(
            account=account,
            actor=request.user,
            actor_membership=request.membership,
            prefix=payload.prefix,
            name=payload.name,
            status=payload.status,
            status_since=_aware(payload.status_since, account),
            # Engagement says what the client has: it starts silent, and an engaged request
            # becomes access_sent when the invitation goes out (clients_create).
            engagement=Engagement.SILENT,
            parent=_parent(request.membership, payload.parent_id),
            tags=payload.tags,
            description=payload.description,
            industry=_industry(account, payload.industry),
            manager=_manager(account, payload.manager_email),
            license=payload.license,
            **{BILLING_FIELD[k]: v for k, v in billing.items()},
        )


@router.patch("/clients/{client_id}", response={200: ClientOut, **WRITE})
def client_patch(request, client_id: int, payload: ClientPatchIn):
    """Change the fields given. A stale `version` answers 409 with the client as it is now."""
    client = queries.get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.write")
    given = payload.model_fields_set - {"version"}
    account = request.account
    # The schema types refuse null for these, so a given field always holds a value.
    fields: dict = {name: getattr(payload, name) for name in PLAIN_FIELDS if name in given}
    if "industry" in given:
        fields["industry"] = _industry(account, payload.industry)
    if "manager_email" in given:
        fields["manager"] = _manager(account, payload.manager_email)
    if "billing" in given:
        for key in payload.billing.model_fields_set:
            fields[BILLING_FIELD[key]] = getattr(payload.billing, key)
    parent = _parent(request.membership, payload.parent_id) if "parent_id" in given else "unchanged"
    try:
        with transaction.atomic(), _api_fields():
            client = client_update(
                client=client, actor=request.user, version=payload.version, parent=parent, **fields
            )
            if "tags" in given:
                client = client_set_tags(client=client, actor=request.user, names=payload.tags)
    except StaleVersion as stale:
        current = queries.get_client(membership=request.membership, pk=client_id)
        message = _("Someone changed this client since you read it; it is now at version %(v)s.")
        return Answer(
            409,
            {
                "detail": _("This client changed since you read it."),
                "errors": {"version": [message % {"v": stale.current.version}]},
                "current": _one(current, request.membership),
            },
        )
    return _one(client, request.membership)


@router.delete("/clients/{client_id}", response={204: None, **WRITE})
def client_remove(request, client_id: int):
    """Soft delete: the client leaves every list; an owner can restore it for 30 days."""
    client = queries.get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.write")
    try:
        client_delete(client=client, actor=request.user)
    except ValidationError as exc:
        return Answer(409, {"detail": " ".join(exc.messages), "errors": {"__all__": exc.messages}})
    return Answer(204, None)


@router.post(
    "/clients/{client_id}/status",
    response={200: ClientOut, **WRITE},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": StatusIn.model_json_schema()}},
        }
    },
)
def client_status(request, client_id: int):
    """Move the client to another status (DESIGN §2 lists the allowed changes)."""
    client = queries.get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.status")
    # Read only now, so that a client you cannot see is a 404 whatever the body holds.
    try:
        payload = StatusIn.model_validate_json(request.body or b"{}")
    except PydanticValidationError as exc:
        raise NinjaValidationError(exc.errors(include_url=False)) from None
    client = client_change_status(
        client=client,
        actor=request.user,
        actor_membership=request.membership,
        to_status=payload.status,
        reason=payload.reason,
        at=_aware(payload.at, request.account),
    )
    return _one(client, request.membership)


@router.post(
    "/clients/{client_id}/invite",
    response={201: InvitationOut, **WRITE},
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": InviteIn.model_json_schema()}},
        }
    },
)
def client_invite(request, client_id: int):
    """Email a portal invitation: to the primary contact, or to `contact_id`.

    The link sets a password, works once and expires after 7 days; sending again revokes the
    contact's older link. 409 (with the reason under `errors.email`) when there is no primary
    contact or the contact has no email. Managers and above.
    """
    client = queries.get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.invite")
    try:
        payload = InviteIn.model_validate_json(request.body or b"{}")
    except PydanticValidationError as exc:
        raise NinjaValidationError(exc.errors(include_url=False)) from None
    contact = None
    if payload.contact_id is not None:
        contact = (
            live_contacts(request.membership)
            .filter(client_id=client.pk, pk=payload.contact_id)
            .first()
        )
        if contact is None:
            raise ValidationError(
                {
                    "contact_id": _("No contact with id %(id)s at this client.")
                    % {"id": payload.contact_id}
                }
            )
    try:
        invitation = portal_invite(client=client, actor=request.user, contact=contact)
    except CannotInvite as exc:
        reasons = exc.message_dict.get("email", exc.messages)
        return Answer(409, {"detail": " ".join(reasons), "errors": {"email": reasons}})
    return Answer(
        201,
        {
            "id": invitation.pk,
            "contact_id": invitation.contact_id,
            "email": invitation.email,
            "expires_at": invitation.expires_at,
            "state": delivery_state(invitation.message),
        },
    )
