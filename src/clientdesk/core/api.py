"""GET /api/v1/account and the account's team."""

from datetime import datetime

from ninja import Router, Schema

from clientdesk.core.api_schemas import Cursor, ErrorOut, Limit
from clientdesk.core.models import Membership
from clientdesk.core.pagination import keyset_page

router = Router(tags=["account"])


class AccountOut(Schema):
    slug: str
    name: str
    time_zone: str
    currency: str


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
