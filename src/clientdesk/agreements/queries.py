"""Reads of agreements shared by the pages, the API, the portal and the daily task.

The state rule (`models.state_on`) as SQL is `state_q`; "today" is always the account's day.
Coverage (DESIGN §4): a live, active contact is *in agreement* when its client has a current
all-you-can-eat-per-client agreement, or when a current all-you-can-eat-per-user agreement
of its client covers it; every other contact is out of agreement.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from clientdesk.agreements.models import Agreement, AgreementContact, Kind, State, today_for
from clientdesk.clients.models import Client
from clientdesk.clients.queries import descendant_ids, live_clients
from clientdesk.clients.search import search
from clientdesk.contacts.models import Contact
from clientdesk.contacts.queries import live_contacts
from clientdesk.core.models import Membership
from clientdesk.core.pagination import Page, keyset_page
from clientdesk.core.sqlarrays import among
from clientdesk.core.tenancy import get_for
from clientdesk.tickets.models import Reply


def state_q(state: str, today: date) -> Q:
    """The agreements in `state` on `today` (both dates included in the agreement)."""
    if state == State.UPCOMING:
        return Q(starts_on__gt=today)
    if state == State.EXPIRED:
        return Q(ends_on__lt=today)
    return Q(starts_on__lte=today, ends_on__gte=today)


def agreements_visible(membership: Membership) -> QuerySet[Agreement]:
    """The agreements of the live clients this person may see."""
    return Agreement.objects.for_member(membership)


def get_agreement(*, membership: Membership, pk) -> Agreement:
    """An agreement of a client this person may see, else 404 (like a missing one)."""
    return get_for(membership, Agreement.objects.select_related("client", "account"), pk)


def agreement_list(
    membership: Membership, *, client: int | None = None, state: str | None = None
) -> QuerySet[Agreement]:
    """Newest end first; filtered by client and by state on the account's today."""
    qs = agreements_visible(membership).select_related("client", "account")
    if client:
        qs = qs.filter(client_id=client)
    if state in State.values:
        qs = qs.filter(state_q(state, today_for(membership.account)))
    return qs.order_by("-ends_on", "-id")


def agreement_page(
    membership: Membership,
    *,
    client: int | None = None,
    state: str | None = None,
    q: str = "",
    cursor: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> Page:
    """Settings › Agreements a keyset page at a time (newest end first): filtered by client,
    state and words, each found in the agreement's name or its client's name or prefix."""
    qs = agreement_list(membership, client=client, state=state)
    for word in q.split():
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(client__name__icontains=word)
            | Q(client__prefix=word.upper())  # stored upper-case
        )
    return keyset_page(qs, order=["-ends_on", "-id"], cursor=cursor, before=before, limit=limit)


def clients_to_pick(membership: Membership, find: str, limit: int = 20) -> list[Client]:
    """The clients a new agreement may be for, as the global search finds them by name."""
    return list(search(live_clients(membership), find).order_by("name", "id")[:limit])


def agreements_of(*, client: Client) -> list[Agreement]:
    """A client's agreements for its tab and the portal: current first, then upcoming, then
    expired, each by end date."""
    rows = list(Agreement.objects.for_client(client).select_related("account"))
    rank: dict[str, int] = {State.CURRENT: 0, State.UPCOMING: 1, State.EXPIRED: 2}
    return sorted(rows, key=lambda a: (rank[a.state], a.ends_on, a.pk))


def covered_ids(agreements: list[Agreement]) -> dict[int, list[int]]:
    """The contacts each ayce_user agreement covers: one query for the list."""
    found: dict[int, list[int]] = {a.pk: [] for a in agreements}
    users = [a.pk for a in agreements if a.kind == Kind.AYCE_USER]
    if users:
        rows = (
            AgreementContact.objects.for_account(agreements[0].account_id)
            .filter(agreement_id__in=users, contact__deleted_at=None)
            .order_by("contact_id")
            .values_list("agreement_id", "contact_id")
        )
        for agreement_id, contact_id in rows:
            found[agreement_id].append(contact_id)
    return found


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def hours_used(agreements: list[Agreement]) -> dict[int, Decimal | None]:
    """For blocks of hours: the minutes logged on the client's tickets' replies within the
    agreement's days (the account's zone), in hours; None for other kinds. One query."""
    found: dict[int, Decimal | None] = {a.pk: None for a in agreements}
    blocks = [a for a in agreements if a.kind == Kind.HOURS_BLOCK]
    if not blocks:
        return found
    zone = ZoneInfo(blocks[0].account.time_zone or "UTC")
    spans = {
        a.pk: (_day_start(a.starts_on, zone), _day_start(a.ends_on + timedelta(days=1), zone))
        for a in blocks
    }
    rows = (
        Reply.objects.for_account(blocks[0].account_id)
        .filter(
            client_id__in={a.client_id for a in blocks},
            minutes__gt=0,
            created_at__gte=min(s for s, _e in spans.values()),
            created_at__lt=max(e for _s, e in spans.values()),
        )
        .values_list("client_id", "created_at", "minutes")
    )
    minutes: dict[int, int] = defaultdict(int)
    by_client = defaultdict(list)
    for a in blocks:
        by_client[a.client_id].append(a)
    for client_id, at, n in rows:
        for a in by_client[client_id]:
            start, end = spans[a.pk]
            if start <= at < end:
                minutes[a.pk] += n
    for a in blocks:
        found[a.pk] = (Decimal(minutes[a.pk]) / 60).quantize(Decimal("0.01"))
    return found


@dataclass(frozen=True)
class Coverage:
    """Contacts in and out of agreement, of the client alone and with its sub-clients."""

    in_own: int = 0
    out_own: int = 0
    in_with_subclients: int = 0
    out_with_subclients: int = 0


def _counts(membership: Membership, client_ids: set[int]) -> dict[int, tuple[int, int]]:
    """{client id: (live active contacts, those in agreement today)}: one query."""
    if not client_ids:
        return {}
    current = agreements_visible(membership).filter(
        state_q(State.CURRENT, today_for(membership.account))
    )
    whole = current.filter(kind=Kind.AYCE_CLIENT, client_id=OuterRef("client_id"))
    covered = AgreementContact.objects.for_account(membership.account_id).filter(
        agreement__in=current.filter(kind=Kind.AYCE_USER), contact_id=OuterRef("pk")
    )
    rows = (
        live_contacts(membership)
        .filter(among("client_id", client_ids), active=True)
        .alias(whole=Exists(whole), covered=Exists(covered))
        .values("client_id")
        .annotate(n=Count("pk"), inside=Count("pk", filter=Q(whole=True) | Q(covered=True)))
        .values_list("client_id", "n", "inside")
    )
    return {pk: (n, inside) for pk, n, inside in rows}


def coverage_by_client(*, membership: Membership, clients: list[Client]) -> dict[int, Coverage]:
    """The clients' own coverage (the `*_with_subclients` left at 0), for a whole page of
    clients in one query."""
    found = _counts(membership, {c.pk for c in clients})
    return {
        c.pk: Coverage(
            in_own=found.get(c.pk, (0, 0))[1],
            out_own=found.get(c.pk, (0, 0))[0] - found.get(c.pk, (0, 0))[1],
        )
        for c in clients
    }


def coverage(*, membership: Membership, client: Client) -> Coverage:
    """One client's coverage, alone and with its visible live sub-clients at any depth."""
    found = _counts(membership, descendant_ids(client=client) | {client.pk})
    own, in_own = found.get(client.pk, (0, 0))
    everyone = sum(n for n, _inside in found.values())
    inside = sum(i for _n, i in found.values())
    return Coverage(
        in_own=in_own,
        out_own=own - in_own,
        in_with_subclients=inside,
        out_with_subclients=everyone - inside,
    )


def contacts_choosable(*, client: Client) -> QuerySet[Contact]:
    """The contacts an agreement of this client may cover: its live ones, by name."""
    return (
        Contact.objects.for_client(client)
        .filter(deleted_at=None)
        .order_by("last_name", "first_name", "id")
    )


def ending_soon(*, account, today: date, days: int = 30) -> QuerySet[Agreement]:
    """Current agreements of the account's live clients whose last day is within `days`, not
    yet warned of for that end date."""
    return (
        Agreement.objects.for_account(account)
        .filter(state_q(State.CURRENT, today), ends_on__lte=today + timedelta(days=days))
        .filter(client__deleted_at=None)
        .exclude(warned_for=F("ends_on"))
        .select_related("client", "client__manager", "account")
    )
