"""Reads on contacts shared by the pages and the API.

A contact is reachable only through a client the membership may see (clients.queries), so the
allow/deny lists and the account hold here exactly as they do for clients.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat, Lower

from clientdesk.clients.models import Client
from clientdesk.clients.queries import descendant_ids, live_clients
from clientdesk.contacts.models import Contact
from clientdesk.core import registry
from clientdesk.core.models import Membership
from clientdesk.core.pagination import Page, keyset_page
from clientdesk.core.sqlarrays import among
from clientdesk.core.tenancy import get_for

ROLE_RANK = Case(
    When(is_primary=True, then=Value(0)),
    When(is_secondary=True, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
# Sortable columns: the expression sorted on (never NULL, so the cursor can compare it).
SORTS: dict[str, Combinable] = {
    # Last name first; a contact without one sorts by its first name among the others.
    "name": Case(
        When(last_name="", then=Lower("first_name")),
        default=Lower(Concat("last_name", Value(" "), "first_name", output_field=CharField())),
        output_field=CharField(),
    ),
    "first_name": Lower("first_name"),
    "email": Lower("email"),
    "title": Lower("title"),
    "role": ROLE_RANK,
    "created": F("created_at"),
}
DEFAULT_SORT = "name"


def live_contacts(membership: Membership) -> QuerySet[Contact]:
    """This account's contacts, not deleted, of live clients the membership may see."""
    return Contact.objects.for_member(membership)


def get_contact(*, membership: Membership, pk) -> Contact:
    """A contact of a client this person may see, else 404 (like a missing one)."""
    return get_for(membership, Contact.objects.select_related("client"), pk)


def contact_facts(contacts: list[Contact]) -> dict[int, dict]:
    """What the other domains know of each contact (core.registry.contact_facts), merged."""
    found: dict[int, dict] = {c.pk: {} for c in contacts}
    if contacts:
        for provider in registry.contact_facts.all():
            for pk, values in provider.facts(contacts).items():
                found[pk].update(values)
    return found


def search(qs: QuerySet[Contact], q: str | None) -> QuerySet[Contact]:
    """Every word of `q` must appear in the first name, the last name or the email."""
    for word in (q or "").split():
        qs = qs.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return qs


def contacts_of(
    *,
    membership: Membership,
    client: Client,
    q: str | None = None,
    order: str = DEFAULT_SORT,
    cursor: str | None = None,
    limit: int = 50,
    before: str | None = None,
) -> Page:
    """One page of the client's contacts (after `cursor`, or before `before`); `order` is a key of SORTS, `-` first for descending.

    An unknown order falls back to the default (pages pass what the address bar holds); the
    API refuses it before calling.
    """
    sort = order.removeprefix("-")
    if sort not in SORTS:
        sort, order = DEFAULT_SORT, DEFAULT_SORT
    prefix = "-" if order.startswith("-") else ""
    qs = search(live_contacts(membership).filter(client_id=client.pk), q)
    # Named after the sort, so that a cursor made for one order is refused by another.
    key = f"sort_{sort}"
    qs = qs.annotate(**{key: SORTS[sort]})
    return keyset_page(
        qs, order=[f"{prefix}{key}", f"{prefix}id"], cursor=cursor, limit=limit, before=before
    )


@dataclass(frozen=True)
class ContactCounts:
    own: int = 0
    with_subclients: int = 0


def _counted() -> Q:
    # Counted: live and active contacts (a deactivated one has left the client).
    return Q(contacts__deleted_at=None, contacts__active=True)


def contact_counts(*, client: Client, membership: Membership) -> ContactCounts:
    """The client's contacts alone and with its visible sub-clients at any depth."""
    tree = descendant_ids(client=client) | {client.pk}
    # Only sub-clients the membership may see count: the limit holds for counts too.
    rows = dict(
        live_clients(membership)
        .filter(among("pk", tree))
        .annotate(n=Count("contacts", filter=_counted()))
        .values_list("pk", "n")
    )
    own = rows.get(client.pk, 0)
    return ContactCounts(own=own, with_subclients=sum(rows.values()))


def contact_counts_by_client(
    *, clients: Iterable[Client], membership: Membership
) -> dict[int, ContactCounts]:
    """contact_counts for a whole page of clients: one query for their own counts, then one
    per level of the subtrees below them (never per row: 2 rows cost what 200 do), reading
    only those subtrees, never the whole account."""
    wanted = [c.pk for c in clients]
    if not wanted:
        return {}
    counted = live_clients(membership).annotate(n=Count("contacts", filter=_counted()))
    own = dict(counted.filter(pk__in=wanted).values_list("pk", "n"))
    children: dict[int, list[int]] = {}
    level, seen = set(wanted), set(wanted)
    while level:
        rows = list(counted.filter(parent_id__in=level).values_list("pk", "parent_id", "n"))
        level = set()
        for pk, parent_id, n in rows:
            children.setdefault(parent_id, []).append(pk)
            own.setdefault(pk, n)
            if pk not in seen:
                seen.add(pk)
                level.add(pk)

    def total(root: int) -> int:
        result, stack, visited = 0, [root], {root}
        while stack:
            node = stack.pop()
            result += own.get(node, 0)
            for child in children.get(node, ()):
                if child not in visited:
                    visited.add(child)
                    stack.append(child)
        return result

    return {pk: ContactCounts(own=own.get(pk, 0), with_subclients=total(pk)) for pk in wanted}


def contacts_matching(*, membership: Membership, q: str, limit: int = 10) -> list[Contact]:
    """For the global search: contacts of clients this person may see whose name or email
    holds every word of `q`, with their client."""
    if not q.strip():
        return []
    found = search(live_contacts(membership), q).select_related("client")
    return list(found.order_by(SORTS[DEFAULT_SORT], "id")[:limit])
