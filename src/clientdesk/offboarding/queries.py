"""Reads of the off-boarding workflow shared by the pages, the API, the Clients list's columns
and the home page. "Today" is the account's day (its time zone); a run is *overdue* when its date
has passed with items still open.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from clientdesk.clients.models import Client, Status, StatusChange
from clientdesk.core.models import Account, Membership
from clientdesk.offboarding.models import (
    DEFAULT_ITEMS,
    ChecklistItem,
    Offboarding,
    OffboardingItem,
    State,
)

DUE_SOON_DAYS = 14


def today_for(account: Account) -> date:
    return timezone.localdate(timezone=ZoneInfo(account.time_zone or "UTC"))


def is_overdue(run: Offboarding, today: date) -> bool:
    return run.state == State.OPEN and run.on < today and run.done_count < run.total_count


def template_titles(account: Account) -> list[str]:
    """The account's checklist template; the default one until Settings › Off-boarding saves
    the account's own."""
    titles = list(
        ChecklistItem.objects.for_account(account)
        .order_by("order", "id")
        .values_list("title", flat=True)
    )
    return titles or [str(t) for t in DEFAULT_ITEMS]


def runs_of(*, client: Client) -> list[Offboarding]:
    """The client's runs, newest first."""
    return list(
        Offboarding.objects.for_client(client)
        .select_related("started_by", "ended_by")
        .order_by("-started_at", "-id")
    )


def latest_of(*, client: Client) -> Offboarding | None:
    """The client's open run, else its latest one (the API's GET, the page)."""
    return (
        Offboarding.objects.for_client(client)
        .select_related("client", "account")
        .order_by(F("ended_at").desc(nulls_first=True), "-started_at", "-id")
        .first()
    )


def get_latest(*, client: Client) -> Offboarding:
    run = latest_of(client=client)
    if run is None:
        raise Http404("no off-boarding")
    return run


def items_of(run: Offboarding) -> list[OffboardingItem]:
    return list(
        OffboardingItem.objects.for_account(run.account_id)
        .filter(offboarding=run)
        .select_related("done_by")
        .order_by("order", "id")
    )


def get_item(*, run: Offboarding, pk) -> OffboardingItem:
    """An item of this run, else 404 (another run's, another client's, a malformed id)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("no item") from None
    item = (
        OffboardingItem.objects.for_account(run.account_id)
        .filter(offboarding=run, pk=pk)
        .select_related("offboarding")
        .first()
    )
    if item is None:
        raise Http404("no item")
    return item


def latest_by_client(membership: Membership, clients: list[Client]) -> dict[int, Offboarding]:
    """Each client's open run, else its latest, for a page of clients in one query."""
    ids = [c.pk for c in clients]
    found: dict[int, Offboarding] = {}
    if not ids:
        return found
    rows = (
        Offboarding.objects.for_account(membership.account_id)
        .filter(client_id__in=ids)
        .order_by("client_id", F("ended_at").desc(nulls_first=True), "-started_at", "-id")
    )
    for run in rows:
        found.setdefault(run.client_id, run)
    return found


def left_by_client(membership: Membership, clients: list[Client]) -> dict[int, StatusChange]:
    """When and why each inactive client of a page left: its last move to inactive (with the
    reason kept in the history), in one query."""
    ids = [c.pk for c in clients if c.status == Status.INACTIVE]
    found: dict[int, StatusChange] = {}
    if not ids:
        return found
    rows = (
        StatusChange.objects.for_account(membership.account_id)
        .filter(client_id__in=ids, to_status=Status.INACTIVE)
        .order_by("client_id", "-at", "-id")
    )
    for change in rows:
        found.setdefault(change.client_id, change)
    return found


def open_runs(membership: Membership) -> QuerySet[Offboarding]:
    """The open runs of the live clients this person may see, by date."""
    return (
        Offboarding.objects.for_member(membership)
        .filter(state=State.OPEN)
        .select_related("client")
        .order_by("on", "id")
    )


def overdue_offboardings(membership: Membership) -> QuerySet[Offboarding]:
    """Open runs past their date with items still open (the home page's warning)."""
    today = today_for(membership.account)
    return open_runs(membership).filter(on__lt=today, done_count__lt=F("total_count"))


def due_soon(membership: Membership, days: int = DUE_SOON_DAYS) -> QuerySet[Offboarding]:
    """Open runs whose date is within `days` from today, or past (overdue or not yet
    completed)."""
    today = today_for(membership.account)
    return open_runs(membership).filter(on__lte=today + timedelta(days=days))
