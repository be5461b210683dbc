"""The tickets API (DESIGN §7): the list with its filters, one ticket read, made or edited,
its replies, and the jobs report.

Handlers look the ticket or client up through the membership's scope first (anything not
visible is the same 404 as missing), then check the role, then read the body and call the one
write path in tickets.services.
"""

from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from pydantic import StringConstraints

from clientdesk.clients.queries import get_client
from clientdesk.contacts.queries import get_contact
from clientdesk.core.api_schemas import (
    MAX_ID,
    NO_NUL,
    NOT_BLANK,
    Cursor,
    ErrorOut,
    Id,
    Limit,
    Strict,
    choices_list,
    documented_body,
    read_body,
)
from clientdesk.core.models import Membership
from clientdesk.core.roles import require
from clientdesk.tickets import queries
from clientdesk.tickets.models import Kind, Priority, Reply, Status, Ticket
from clientdesk.tickets.services import StaleTicket, reply_add, ticket_create, ticket_update

router = Router(tags=["tickets"])

READ = {401: ErrorOut, 404: ErrorOut}
REPEATABLE = "Repeat it or give a comma list."
KindName = Literal["request", "incident", "job"]
PriorityName = Literal["low", "normal", "high", "urgent"]
StatusName = Literal["new", "open", "in_progress", "waiting", "resolved", "closed"]
KindFilter = list[Annotated[str, StringConstraints(pattern=choices_list(Kind.values))]]
StatusFilter = list[Annotated[str, StringConstraints(pattern=choices_list(Status.values))]]
PriorityFilter = list[Annotated[str, StringConstraints(pattern=choices_list(Priority.values))]]


class TicketOut(Schema):
    id: int
    number: str
    client_id: int
    kind: KindName
    title: str
    description: str
    priority: PriorityName
    status: StatusName
    requester_contact_id: int | None
    assignee_email: str | None
    response_due_at: datetime | None = Field(description="null once answered or while waiting.")
    resolution_due_at: datetime | None = Field(description="null while waiting on the client.")
    first_response_at: datetime | None
    resolved_at: datetime | None
    breached: bool = Field(description="A due time passed before the response or resolution.")
    minutes_logged: int
    created_at: datetime
    version: int


class TicketPage(Schema):
    items: list[TicketOut]
    next: str | None


class TicketCreateIn(Strict):
    client_id: int = Field(..., ge=1, le=MAX_ID)
    title: str = Field(..., max_length=200, pattern=NOT_BLANK)
    kind: KindName = "request"
    priority: PriorityName = "normal"
    description: str = ""
    requester_contact_id: int | None = Field(None, ge=1, le=MAX_ID)
    assignee_email: str | None = Field(None, max_length=254)


class TicketPatchIn(Strict):
    """Only the fields given change; `version` is the one you read."""

    version: int = Field(..., ge=1)
    title: str = Field(None, max_length=200, pattern=NOT_BLANK)  # type: ignore[assignment]
    description: str = None  # type: ignore[assignment]
    kind: KindName = None  # type: ignore[assignment]
    priority: PriorityName = None  # type: ignore[assignment]
    status: StatusName = None  # type: ignore[assignment]
    requester_contact_id: int | None = Field(None, ge=1, le=MAX_ID)
    assignee_email: str | None = Field(None, max_length=254)


class ReplyIn(Strict):
    body: str = Field(..., max_length=100_000, pattern=NOT_BLANK)
    public: bool = Field(True, description="false: an internal note the client never sees.")
    minutes: int = Field(0, ge=0, le=24 * 60, description="Time spent, logged on the ticket.")


class ReplyOut(Schema):
    id: int
    body: str
    public: bool
    author_email: str | None
    contact_id: int | None
    minutes: int
    created_at: datetime


class ReplyPage(Schema):
    items: list[ReplyOut]
    next: str | None


class TicketConflictOut(ErrorOut):
    current: TicketOut | None = None


WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: TicketConflictOut, 422: ErrorOut}


def ticket_out(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "client_id": ticket.client_id,
        "kind": ticket.kind,
        "title": ticket.title,
        "description": ticket.description,
        "priority": ticket.priority,
        "status": ticket.status,
        "requester_contact_id": ticket.requester_id,
        "assignee_email": ticket.assignee.email if ticket.assignee_id else None,
        "response_due_at": ticket.response_due_at,
        "resolution_due_at": ticket.resolution_due_at,
        "first_response_at": ticket.first_response_at,
        "resolved_at": ticket.resolved_at,
        "breached": queries.is_breached(ticket),
        "minutes_logged": ticket.minutes_logged,
        "created_at": ticket.created_at,
        "version": ticket.version,
    }


def reply_out(reply: Reply) -> dict:
    return {
        "id": reply.pk,
        "body": reply.body,
        "public": reply.public,
        "author_email": reply.author.email if reply.author_id else None,
        "contact_id": reply.contact_id,
        "minutes": reply.minutes,
        "created_at": reply.created_at,
    }


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _assignee(membership: Membership, email: str | None):
    """The team member named by email, or None for nobody; an unknown email is a 422."""
    if not email:
        return None
    found = queries.member_by_email(membership.account, email)
    if found is None:
        raise ValidationError({"assignee_email": _("Nobody of the team has this email.")})
    return found


def _requester(membership: Membership, pk: int | None):
    if pk is None:
        return None
    try:
        return get_contact(membership=membership, pk=pk)
    except Http404:  # a hidden contact is the field's error here, as a missing one
        raise ValidationError(
            {"requester_contact_id": _("No contact of yours has this id.")}
        ) from None


@router.get("/tickets", response={200: TicketPage, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut})
def tickets_list(
    request,
    client: Annotated[int | None, Query(ge=1, le=MAX_ID, description="The client's id.")] = None,
    kind: Annotated[KindFilter | None, Query(description=REPEATABLE)] = None,
    status: Annotated[StatusFilter | None, Query(description=REPEATABLE)] = None,
    priority: Annotated[PriorityFilter | None, Query(description=REPEATABLE)] = None,
    assignee: Annotated[
        str | None, Query(pattern=NO_NUL, description="The assignee's email; `none`: nobody.")
    ] = None,
    breached: Annotated[bool | None, Query(description="true: only breached tickets.")] = None,
    q: Annotated[str, Query(pattern=NO_NUL, description="A ticket number, or title words.")] = "",
    cursor: Cursor = None,
    limit: Limit = 50,
):
    """The tickets the token's person may see, newest first, `limit` at a time."""
    filters = queries.TicketFilters(
        client=client,
        kind=_split(kind),
        status=_split(status),
        priority=_split(priority),
        breached=breached,
        q=q,
    )
    if assignee:
        if assignee.strip().lower() == "none":
            filters.assignee = 0
        else:
            found = queries.member_by_email(request.account, assignee)
            if found is None:
                return {"items": [], "next": None}
            filters.assignee = found.pk
    page = queries.ticket_page(request.membership, filters, cursor=cursor, limit=limit)
    return {"items": [ticket_out(t) for t in page.items], "next": page.next}


@router.post(
    "/tickets",
    response={201: TicketOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=documented_body(TicketCreateIn),
)
def ticket_post(request):
    """Open a ticket for a client: numbered from its prefix, its SLA's due times set.
    Technicians and above."""
    require(request.membership, "tickets.write")
    payload = read_body(TicketCreateIn, request)
    client = get_client(membership=request.membership, pk=payload.client_id)
    ticket = ticket_create(
        client=client,
        actor=request.membership,
        title=payload.title,
        kind=payload.kind,
        priority=payload.priority,
        description=payload.description,
        requester=_requester(request.membership, payload.requester_contact_id),
        assignee=_assignee(request.membership, payload.assignee_email),
        source="api",
    )
    return Answer(201, ticket_out(ticket))


@router.get("/tickets/{ticket_id}", response={200: TicketOut, **READ})
def ticket_get(request, ticket_id: Id):
    """One ticket; 404 when it is missing or of a client you cannot see."""
    return ticket_out(queries.get_ticket(membership=request.membership, pk=ticket_id))


@router.patch(
    "/tickets/{ticket_id}",
    response={200: TicketOut, **WRITE},
    openapi_extra=documented_body(TicketPatchIn),
)
def ticket_patch(request, ticket_id: Id):
    """Change the fields given; `status` moves it along the pipeline. A stale `version`
    answers 409 with the ticket as it is now."""
    ticket = queries.get_ticket(membership=request.membership, pk=ticket_id)
    require(request.membership, "tickets.write")
    payload = read_body(TicketPatchIn, request)
    given = payload.model_fields_set
    fields = {
        name: getattr(payload, name)
        for name in ("title", "description", "kind", "priority", "status")
        if name in given and getattr(payload, name) is not None
    }
    if "assignee_email" in given:
        fields["assignee"] = _assignee(request.membership, payload.assignee_email)
    if "requester_contact_id" in given:
        fields["requester"] = _requester(request.membership, payload.requester_contact_id)
    try:
        ticket = ticket_update(
            ticket=ticket, actor=request.membership, version=payload.version, **fields
        )
    except StaleTicket as stale:
        message = _("Someone changed this ticket since you read it; it is now at version %(v)s.")
        return Answer(
            409,
            {
                "detail": _("This ticket changed since you read it."),
                "errors": {"version": [message % {"v": stale.current.version}]},
                "current": ticket_out(stale.current),
            },
        )
    return ticket_out(ticket)


@router.get("/tickets/{ticket_id}/replies", response={200: ReplyPage, **READ})
def replies_list(request, ticket_id: Id):
    """The ticket's conversation, oldest first: public replies and internal notes."""
    ticket = queries.get_ticket(membership=request.membership, pk=ticket_id)
    return {"items": [reply_out(r) for r in queries.conversation(ticket)], "next": None}


@router.post(
    "/tickets/{ticket_id}/replies",
    response={201: ReplyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=documented_body(ReplyIn),
)
def reply_post(request, ticket_id: Id):
    """Reply to the client (`public`: true) or add an internal note. Technicians and above."""
    ticket = queries.get_ticket(membership=request.membership, pk=ticket_id)
    require(request.membership, "tickets.write")
    payload = read_body(ReplyIn, request)
    reply = reply_add(
        ticket=ticket,
        actor=request.membership,
        body=payload.body,
        public=payload.public,
        minutes=payload.minutes,
        source="api",
    )
    return Answer(201, reply_out(reply))
