"""The off-boarding workflow in the API (DESIGN §7):

- `GET /clients/{id}/offboarding`: the client's open run, else its latest (404 when it has none);
- `POST /clients/{id}/offboarding` `{date, reason, note}`: start it (201);
- `POST /clients/{id}/offboarding/items/{item_id}` `{done}`: tick or untick an item;
- `POST /clients/{id}/offboarding/complete`: the client becomes inactive, its portal closes;
- `POST /clients/{id}/offboarding/cancel`: back to active.

Each answers the run as `{date, reason, note, state, items, progress}`. The client is looked up
in the token's scope first (404), then the role is asked (403), then the body read (422). A
state that does not allow the move (already open, not open, a client that is not active) is a
409 naming it.
"""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja import Status as Answer

from clientdesk.clients.queries import get_client
from clientdesk.core.api_schemas import ErrorOut, Id, Strict, documented_body, read_body
from clientdesk.core.roles import require
from clientdesk.offboarding import queries, services
from clientdesk.offboarding.models import Offboarding

router = Router(tags=["offboarding"])

READ = {401: ErrorOut, 404: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ReasonName = Literal[
    "not_needed", "price", "service_quality", "moved_provider", "business_closed", "other"
]
DATE = r"^\d{4}-\d{2}-\d{2}$"


class ItemOut(Schema):
    id: int
    title: str
    done: bool
    done_by: str | None = Field(description="The email of who ticked it.")
    done_at: datetime | None


class ProgressOut(Schema):
    done: int
    total: int


class OffboardingOut(Schema):
    date: date
    reason: ReasonName
    note: str
    state: Literal["open", "completed", "cancelled"]
    items: list[ItemOut]
    progress: ProgressOut


class StartIn(Strict):
    date: str = Field(..., pattern=DATE, description="The off-boarding date, YYYY-MM-DD.")
    reason: ReasonName
    note: str = Field("", max_length=services.NOTE_MAX)


class TickIn(Strict):
    done: bool


def run_out(run: Offboarding) -> dict:
    items = queries.items_of(run)
    return {
        "date": run.on,
        "reason": run.reason,
        "note": run.note,
        "state": run.state,
        "items": [
            {
                "id": item.pk,
                "title": item.title,
                "done": item.done,
                "done_by": item.done_by.email if item.done_by else None,
                "done_at": item.done_at,
            }
            for item in items
        ],
        "progress": {"done": sum(i.done for i in items), "total": len(items)},
    }


def _conflict(exc: ValidationError) -> Answer:
    return Answer(409, {"detail": " ".join(exc.messages), "errors": exc.message_dict})


@router.get("/clients/{client_id}/offboarding", response={200: OffboardingOut, **READ})
def offboarding_get(request, client_id: Id):
    """The client's open off-boarding, else its latest; 404 when it was never off-boarded."""
    client = get_client(membership=request.membership, pk=client_id)
    return run_out(queries.get_latest(client=client))


@router.post(
    "/clients/{client_id}/offboarding",
    response={201: OffboardingOut, **WRITE},
    openapi_extra=documented_body(StartIn),
)
def offboarding_post(request, client_id: Id):
    """Start off-boarding an active or at-risk client (managers and above): it moves to
    `offboarding` and gets the account's checklist. A client already in `offboarding` without
    a run (an import brought it in) gets its checklist and keeps its status."""
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.offboard")
    payload = read_body(StartIn, request)
    try:
        on = date.fromisoformat(payload.date)
    except ValueError:
        raise ValidationError({"date": _("Not a date (YYYY-MM-DD).")}) from None
    try:
        run = services.offboarding_start(
            client=client, actor=request.membership, on=on, reason=payload.reason, note=payload.note
        )
    except services.Conflict as exc:
        return _conflict(exc)
    return Answer(201, run_out(run))


@router.post(
    "/clients/{client_id}/offboarding/items/{item_id}",
    response={200: OffboardingOut, **WRITE},
    openapi_extra=documented_body(TickIn),
)
def offboarding_item(request, client_id: Id, item_id: Id):
    """Tick (`done: true`) or untick an item of the open off-boarding; who and when are kept.
    Technicians and above (`offboarding.tick`)."""
    client = get_client(membership=request.membership, pk=client_id)
    run = queries.get_latest(client=client)
    item = queries.get_item(run=run, pk=item_id)
    require(request.membership, "offboarding.tick")
    payload = read_body(TickIn, request)
    try:
        services.offboarding_item_set(item=item, actor=request.membership, done=payload.done)
    except services.Conflict as exc:
        return _conflict(exc)
    return run_out(queries.get_latest(client=client))


def _end(request, client_id: int, call) -> Answer | dict:
    client = get_client(membership=request.membership, pk=client_id)
    run = queries.get_latest(client=client)
    require(request.membership, "clients.offboard")
    try:
        call(offboarding=run, actor=request.membership)
    except services.Conflict as exc:
        return _conflict(exc)
    return run_out(queries.get_latest(client=client))


@router.post("/clients/{client_id}/offboarding/complete", response={200: OffboardingOut, **WRITE})
def offboarding_complete(request, client_id: Id):
    """Complete the off-boarding (managers and above): the client becomes `inactive`, every
    portal invitation and access of it is revoked; every record is kept."""
    return _end(request, client_id, services.offboarding_complete)


@router.post("/clients/{client_id}/offboarding/cancel", response={200: OffboardingOut, **WRITE})
def offboarding_cancel(request, client_id: Id):
    """Cancel the off-boarding (managers and above): the client returns to `active`."""
    return _end(request, client_id, services.offboarding_cancel)
