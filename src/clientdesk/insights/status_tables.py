"""The status tables (issue 16, item 3): today's count of clients per status and, for one
status, the list of those clients with their manager, since when, their primary contact and,
when at risk, why. Reads only, through the member's limits.

Someone who sees every client reads the counts from the day deltas (their sum is the number
of clients per status now, as the Clients page's tabs do; archived and deleted clients are
not in them);
someone limited to some clients counts those clients (the deltas are the whole account's).
"""

from django.db.models import Count, Sum

from clientdesk.clients.models import Client, Status, StatusDayDelta
from clientdesk.clients.queries import live_clients
from clientdesk.contacts.models import Contact
from clientdesk.core.models import Membership
from clientdesk.core.pagination import Page, keyset_page
from clientdesk.insights import risk

ORDER = ["name", "id"]
STATUSES = list(Status.values)


def status_counts(membership: Membership) -> dict[str, int]:
    """{status: how many clients have it now}, every status present (archived and deleted
    clients left out)."""
    if membership.client_access == "all":
        now = dict(
            StatusDayDelta.objects.for_account(membership.account_id)
            .values_list("status")
            .annotate(n=Sum("delta"))
            .values_list("status", "n")
        )
    else:
        now = dict(
            live_clients(membership)
            .filter(archived=False)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
    return {status: now.get(status, 0) for status in STATUSES}


def status_page(
    membership: Membership, status: str, *, cursor: str | None, before: str | None, limit: int
) -> Page:
    """One page of the clients with this status now, by name, with their manager, primary
    contact and (at risk) the reason."""
    qs = (
        live_clients(membership)
        .filter(archived=False, status=status)
        .select_related("manager", "account")
    )
    page = keyset_page(qs, order=ORDER, cursor=cursor, before=before, limit=limit)
    clients = page.items
    primaries = {
        c.client_id: c
        for c in Contact.objects.for_account(membership.account_id).filter(
            client_id__in=[c.pk for c in clients], is_primary=True, deleted_at=None
        )
    }
    reasons = risk.at_risk_reasons(membership.account_id, clients)
    for client in clients:
        client.primary = primaries.get(client.pk)
        client.risk_reasons = risk.reasons_split(reasons.get(client.pk, ""))
    return page


def at_risk_preview(membership: Membership, limit: int) -> tuple[list[Client], int]:
    """The first at-risk clients (latest moved first) with their reasons, and how many."""
    qs = live_clients(membership).filter(archived=False, status=Status.AT_RISK)
    clients = list(qs.select_related("manager").order_by("-status_changed_at", "-id")[:limit])
    total = len(clients) if len(clients) < limit else qs.count()
    reasons = risk.at_risk_reasons(membership.account_id, clients)
    for client in clients:
        client.risk_reasons = risk.reasons_split(reasons.get(client.pk, ""))  # type: ignore[attr-defined]
    return clients, total
