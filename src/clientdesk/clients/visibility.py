"""Which clients a member sees (DESIGN §5): all, only an allow-list, or all but a deny-list — a
listed client bringing its whole subtree along, at any depth.

The rule is the clients domain's; `ClientsConfig.ready` hands it to the tenant base
(`core.tenancy.client_rule_set`), so every client-owned model's `for_member` applies it too.
"""

from django.db.models import Q

from clientdesk.core.models import ClientAccess, Membership, MembershipClient
from clientdesk.core.sqlarrays import among


def client_visibility(membership: Membership, path: str) -> Q:
    """The member's limit on clients, for a query of clients (`path` ""), of rows that belong
    to a client (`path` "client__") or of the clients a relation reaches ("parent__",
    "children__")."""
    if membership.client_access == ClientAccess.ALL:
        return Q()
    ids = listed_subtree(membership)
    inside = among(f"{path}pk", ids)
    return inside if membership.client_access == ClientAccess.ALLOW else ~inside


def seen_as_top(membership: Membership) -> Q:
    """The clients at the top of what the member sees: those without a parent and, under an
    allow-list, the listed clients whose parent they may not see (a hidden parent stays hidden:
    its visible child stands at the top in its place). Under a deny-list a hidden client's
    whole subtree is hidden, so the top is the clients without a parent."""
    if membership.client_access != ClientAccess.ALLOW:
        return Q(parent=None)
    from clientdesk.clients.models import Client

    subtree = listed_subtree(membership)
    listed = MembershipClient.objects.for_account(membership.account_id).filter(
        membership_id=membership.pk
    )
    rows = (
        Client.objects.for_account(membership.account_id)
        .filter(pk__in=listed.values("client_id"))
        .values_list("pk", "parent_id")
    )
    return Q(pk__in=[pk for pk, parent in rows if parent is None or parent not in subtree])


def listed_subtree(membership: Membership) -> set[int]:
    """The listed clients and all their descendants; one query per tree level, once a request."""
    cached = getattr(membership, "_listed_subtree", None)
    if cached is not None:
        return cached
    from clientdesk.clients.models import Client

    found = set(
        MembershipClient.objects.for_account(membership.account_id)
        .filter(membership_id=membership.pk)
        .values_list("client_id", flat=True)
    )
    level = set(found)
    while level:
        level = (
            set(
                Client.objects.for_account(membership.account_id)
                .filter(among("parent_id", level))
                .values_list("pk", flat=True)
            )
            - found
        )
        found |= level
    membership._listed_subtree = found  # type: ignore[attr-defined]
    return found
