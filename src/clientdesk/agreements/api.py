"""The agreements API (DESIGN §7): the list (filter `client`), one agreement read, made or
edited. Money (`monthly_price`) is a decimal string in the account's currency, shown only to
roles with `money.read` (null for the others, who cannot set it either).

Handlers look the agreement or client up through the membership's scope first (anything not
visible is the same 404 as missing), then check the role, then read the body and call
agreements.services.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from pydantic import field_validator

from clientdesk.agreements import queries
from clientdesk.agreements.models import Agreement
from clientdesk.agreements.services import StaleAgreement, agreement_create, agreement_update
from clientdesk.clients.queries import get_client
from clientdesk.contacts.queries import get_contact
from clientdesk.core.api_schemas import (
    MAX_ID,
    NOT_BLANK,
    Cursor,
    ErrorOut,
    Id,
    Limit,
    Strict,
    documented_body,
    read_body,
)
from clientdesk.core.models import Membership
from clientdesk.core.pagination import keyset_page
from clientdesk.core.roles import can, require

router = Router(tags=["agreements"])

READ = {401: ErrorOut, 404: ErrorOut}
KindName = Literal["ayce_client", "ayce_user", "hours_block", "fixed_fee"]
StateName = Literal["upcoming", "current", "expired"]
DATE = r"^\d{4}-\d{2}-\d{2}$"
MONEY = r"^\d{1,10}(\.\d{1,2})?$"
HOURS = r"^\d{1,6}(\.\d{1,2})?$"
ORDER = ["-ends_on", "-id"]


class AgreementOut(Schema):
    id: int
    client_id: int
    name: str
    kind: KindName
    starts_on: date
    ends_on: date = Field(description="Its last day, included, in the account's time zone.")
    state: StateName
    monthly_price: str | None = Field(
        description="A decimal in the account's currency; null without `money.read`."
    )
    hours: str | None = Field(description="Blocks of hours only (a decimal).")
    hours_used: str | None = Field(
        description="Blocks of hours: time logged on the client's tickets within its dates."
    )
    contact_ids: list[int] = Field(description="The contacts an `ayce_user` agreement covers.")
    notes: str
    version: int


class AgreementPage(Schema):
    items: list[AgreementOut]
    next: str | None


class AgreementCreateIn(Strict):
    client_id: int = Field(..., ge=1, le=MAX_ID)
    name: str = Field(..., max_length=200, pattern=NOT_BLANK)
    kind: KindName
    starts_on: str = Field(..., pattern=DATE, description="YYYY-MM-DD")
    ends_on: str = Field(..., pattern=DATE, description="YYYY-MM-DD, its last day")
    monthly_price: str = Field("0", pattern=MONEY, description='A decimal string, e.g. "450.00"')
    hours: str | None = Field(None, pattern=HOURS, description="Blocks of hours only.")
    notes: str = Field("", max_length=10_000)
    contact_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=1000
    )

    @field_validator("contact_ids", mode="before")
    @classmethod
    def _whole_ids(cls, values):
        return _whole(values)


def _whole(values):
    # JSON does not tell 3 from 3.0, in a list either (Strict does it for single fields).
    if isinstance(values, list):
        return [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]
    return values


class AgreementPatchIn(Strict):
    """Only the fields given change; `version` is the one you read."""

    version: int = Field(..., ge=1)
    name: str = Field(None, max_length=200, pattern=NOT_BLANK)  # type: ignore[assignment]
    kind: KindName = None  # type: ignore[assignment]
    starts_on: str = Field(None, pattern=DATE)  # type: ignore[assignment]
    ends_on: str = Field(None, pattern=DATE)  # type: ignore[assignment]
    monthly_price: str = Field(None, pattern=MONEY)  # type: ignore[assignment]
    hours: str | None = Field(None, pattern=HOURS)
    notes: str = Field(None, max_length=10_000)  # type: ignore[assignment]
    contact_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(None, max_length=1000)  # type: ignore[assignment]

    @field_validator("contact_ids", mode="before")
    @classmethod
    def _whole_ids(cls, values):
        return _whole(values)


class AgreementConflictOut(ErrorOut):
    current: AgreementOut | None = None


WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: AgreementConflictOut, 422: ErrorOut}


def agreements_out(membership: Membership, agreements: list[Agreement]) -> list[dict]:
    money = can(membership, "money.read")
    used = queries.hours_used(agreements)
    covered = queries.covered_ids(agreements)
    return [
        {
            "id": a.pk,
            "client_id": a.client_id,
            "name": a.name,
            "kind": a.kind,
            "starts_on": a.starts_on,
            "ends_on": a.ends_on,
            "state": a.state,
            "monthly_price": str(a.monthly_price) if money else None,
            "hours": str(a.hours) if a.hours is not None else None,
            "hours_used": str(used[a.pk]) if used[a.pk] is not None else None,
            "contact_ids": covered[a.pk],
            "notes": a.notes,
            "version": a.version,
        }
        for a in agreements
    ]


def _date(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({name: _("Not a date (YYYY-MM-DD).")}) from None


def _contacts(membership: Membership, ids: list[int]) -> list:
    found = []
    for pk in dict.fromkeys(ids):
        try:
            found.append(get_contact(membership=membership, pk=pk))
        except Http404:
            raise ValidationError(
                {"contact_ids": _("No contact of yours has the id %(id)s.") % {"id": pk}}
            ) from None
    return found


def _write(call, **kwargs):
    """A service call whose `contacts` message names the API's `contact_ids`."""
    try:
        return call(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "contacts" in exc.error_dict:
            exc.error_dict["contact_ids"] = exc.error_dict.pop("contacts")
        raise


def _money_given(membership: Membership, given: bool) -> None:
    if given and not can(membership, "money.read"):
        raise ValidationError({"monthly_price": _("Your role does not see or set prices.")})


@router.get(
    "/agreements", response={200: AgreementPage, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut}
)
def agreements_list(
    request,
    client: Annotated[int | None, Query(ge=1, le=MAX_ID, description="The client's id.")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    """The agreements of the clients the token's person may see, latest end first."""
    qs = queries.agreement_list(request.membership, client=client)
    page = keyset_page(qs, order=ORDER, cursor=cursor, limit=limit)
    return {"items": agreements_out(request.membership, page.items), "next": page.next}


@router.post(
    "/agreements",
    response={201: AgreementOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=documented_body(AgreementCreateIn),
)
def agreement_post(request):
    """Add an agreement to a client. Managers and above (`agreements.write`)."""
    require(request.membership, "agreements.write")
    payload = read_body(AgreementCreateIn, request)
    client = get_client(membership=request.membership, pk=payload.client_id)
    _money_given(request.membership, "monthly_price" in payload.model_fields_set)
    agreement = _write(
        agreement_create,
        client=client,
        actor=request.membership,
        name=payload.name,
        kind=payload.kind,
        starts_on=_date("starts_on", payload.starts_on),
        ends_on=_date("ends_on", payload.ends_on),
        monthly_price=Decimal(payload.monthly_price),
        hours=Decimal(payload.hours) if payload.hours is not None else None,
        notes=payload.notes,
        contacts=_contacts(request.membership, payload.contact_ids),
    )
    agreement = queries.get_agreement(membership=request.membership, pk=agreement.pk)
    return Answer(201, agreements_out(request.membership, [agreement])[0])


@router.get("/agreements/{agreement_id}", response={200: AgreementOut, **READ})
def agreement_get(request, agreement_id: Id):
    """One agreement; 404 when it is missing or of a client you cannot see."""
    agreement = queries.get_agreement(membership=request.membership, pk=agreement_id)
    return agreements_out(request.membership, [agreement])[0]


@router.patch(
    "/agreements/{agreement_id}",
    response={200: AgreementOut, **WRITE},
    openapi_extra=documented_body(AgreementPatchIn),
)
def agreement_patch(request, agreement_id: Id):
    """Change the fields given (`contact_ids` replaces the covered contacts). A stale
    `version` answers 409 with the agreement as it is now."""
    agreement = queries.get_agreement(membership=request.membership, pk=agreement_id)
    require(request.membership, "agreements.write")
    payload = read_body(AgreementPatchIn, request)
    given = payload.model_fields_set
    _money_given(request.membership, "monthly_price" in given)
    fields: dict = {
        name: getattr(payload, name)
        for name in ("name", "kind", "notes")
        if name in given and getattr(payload, name) is not None
    }
    for name in ("starts_on", "ends_on"):
        if name in given and getattr(payload, name) is not None:
            fields[name] = _date(name, getattr(payload, name))
    if "monthly_price" in given and payload.monthly_price is not None:
        fields["monthly_price"] = Decimal(payload.monthly_price)
    if "hours" in given:
        fields["hours"] = Decimal(payload.hours) if payload.hours is not None else None
    extra = {}
    if "contact_ids" in given and payload.contact_ids is not None:
        extra["contacts"] = _contacts(request.membership, payload.contact_ids)
    try:
        agreement = _write(
            agreement_update,
            agreement=agreement,
            actor=request.membership,
            version=payload.version,
            **fields,
            **extra,
        )
    except StaleAgreement as stale:
        message = _("Someone changed this agreement since you read it; it is now at version %(v)s.")
        return Answer(
            409,
            {
                "detail": _("This agreement changed since you read it."),
                "errors": {"version": [message % {"v": stale.current.version}]},
                "current": agreements_out(request.membership, [stale.current])[0],
            },
        )
    return agreements_out(request.membership, [agreement])[0]
