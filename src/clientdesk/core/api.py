"""GET|PATCH /api/v1/account and the account's team."""

from datetime import datetime

from ninja import Field, Router, Schema

from clientdesk.core.api_schemas import (
    NOT_BLANK,
    Cursor,
    ErrorOut,
    Limit,
    Strict,
    documented_body,
    read_body,
)
from clientdesk.core.models import Membership
from clientdesk.core.pagination import keyset_page
from clientdesk.core.roles import require
from clientdesk.core.services import account_update

router = Router(tags=["account"])


class AccountOut(Schema):
    slug: str
    name: str
    time_zone: str
    currency: str
    ticket_number_format: str = Field(description="Tokens {account}, {client}, {seq}.")
    account_code: str = Field(description="The {account} token's value.")


class AccountPatchIn(Strict):
    """Only the fields given change. Owners and admins."""

    name: str = Field(None, max_length=120, pattern=NOT_BLANK)  # type: ignore[assignment]
    time_zone: str = Field(None, max_length=64, description="An IANA zone, e.g. Europe/Madrid.")  # type: ignore[assignment]
    currency: str = Field(None, max_length=3, description="ISO 4217, e.g. EUR.")  # type: ignore[assignment]
    ticket_number_format: str = Field(  # type: ignore[assignment]
        None,
        max_length=60,
        description="Tokens {account}, {client} (required) and {seq} (required); "
        "default {client}-{seq}. Only new tickets follow a change.",
    )
    account_code: str = Field(None, max_length=10, description="2–10 of A–Z and 0–9.")  # type: ignore[assignment]


class MemberOut(Schema):
    id: int
    email: str
    name: str
    role: str
    created_at: datetime


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None


@router.get("/account", response={200: AccountOut, 401: ErrorOut})
def account(request):
    """The account the token belongs to."""
    return request.account


@router.patch(
    "/account",
    response={200: AccountOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    openapi_extra=documented_body(AccountPatchIn, required=False),
)
def account_patch(request):
    """Change the account's name, zone, currency, ticket number format or code."""
    require(request.membership, "account.manage")
    payload = read_body(AccountPatchIn, request)
    fields = {name: getattr(payload, name) for name in payload.model_fields_set}
    return account_update(account=request.account, actor=request.membership, **fields)


@router.get("/members", response={200: MemberPage, 400: ErrorOut, 401: ErrorOut})
def members(request, cursor: Cursor = None, limit: Limit = 50):
    """The account's team, oldest member first."""
    page = keyset_page(
        Membership.objects.for_account(request.account).select_related("user"),
        order=["created_at", "id"],
        cursor=cursor,
        limit=limit,
    )
    items = [
        MemberOut(
            id=m.id, email=m.user.email, name=m.user.name, role=m.role, created_at=m.created_at
        )
        for m in page.items
    ]
    return {"items": items, "next": page.next}
