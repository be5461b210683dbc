"""The client navigator beside the client pages: the account's whole tree, as far as this person
may see it, with the current client revealed.

Whatever the size of the account, a level shows its first `SHOWN` clients by name and hands a
cursor for the next ones; a whole panel costs a fixed handful of queries (docs/speed.md): the
top level, the children of every expanded client in one query, their sub-client counts in one
more, and the current client's ancestors (one per level, trees are shallow).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import Lower, RowNumber

from clientdesk.clients import queries
from clientdesk.clients.models import Client, NavigatorPreference
from clientdesk.clients.search import search
from clientdesk.clients.tree import visible_ancestors
from clientdesk.clients.visibility import seen_as_top
from clientdesk.core.models import Membership
from clientdesk.core.pagination import Page, encode_cursor, keyset_page

SHOWN = 50
MATCHES = 30
EXPANDED_KEPT = 50  # the remembered expanded clients; each costs at most SHOWN rows to show
DEEPEST = 30  # a match's way up is read for this many levels at most
ORDER = ["nav_lname", "id"]
FIELDS = ("id", "name", "prefix", "archived", "parent_id", "account_id")


@dataclass
class NavNode:
    """A client in the navigator; `children` is None while they are not loaded (collapsed)."""

    client: Client
    child_count: int = 0
    children: list["NavNode"] | None = None
    more: str | None = None  # the cursor for the children after the loaded ones
    current: bool = False
    on_way: bool = False


@dataclass
class Level:
    nodes: list[NavNode]
    more: str | None


@dataclass
class Match:
    client: Client
    way: list[Client]  # the ancestors this person may see, from the top down


def _shown(membership: Membership) -> QuerySet[Client]:
    """What the navigator lists: the live clients this person sees, archived ones left out
    (as on the Clients page), with the sort key the cursors carry."""
    return (
        queries.live_clients(membership)
        .filter(archived=False)
        .only(*FIELDS)
        .annotate(nav_lname=Lower("name"))
    )


def _cursor(client: Client) -> str:
    return encode_cursor([",".join(ORDER), client.nav_lname, client.pk])  # type: ignore[attr-defined]


def child_counts(membership: Membership, ids: Iterable[int]) -> dict[int, int]:
    """How many sub-clients the navigator would list under each of these clients, one query."""
    rows = (
        queries.live_clients(membership)
        .filter(archived=False, parent_id__in=list(ids))
        .order_by()
        .values("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    return dict(rows)


def _level(membership: Membership, page: Page) -> Level:
    counts = child_counts(membership, [c.pk for c in page.items])
    nodes = [NavNode(client=c, child_count=counts.get(c.pk, 0)) for c in page.items]
    return Level(nodes=nodes, more=page.next)


def tops(membership: Membership, *, cursor: str | None = None) -> Level:
    """One page of the top level: clients without a parent, or whose parent is hidden from
    this person. Raises BadCursor for a cursor this server did not give."""
    qs = _shown(membership).filter(seen_as_top(membership))
    return _level(membership, keyset_page(qs, order=ORDER, cursor=cursor, limit=SHOWN))


def children(membership: Membership, *, parent: Client, cursor: str | None = None) -> Level:
    """One page of a visible client's sub-clients."""
    qs = _shown(membership).filter(parent_id=parent.pk)
    return _level(membership, keyset_page(qs, order=ORDER, cursor=cursor, limit=SHOWN))


def _children_of(membership: Membership, parent_ids: set[int]) -> dict[int, list[Client]]:
    """The first SHOWN + 1 sub-clients of each of these clients, in one query."""
    if not parent_ids:
        return {}
    rank = Window(RowNumber(), partition_by=[F("parent_id")], order_by=[Lower("name"), "id"])
    rows = (
        _shown(membership)
        .filter(parent_id__in=parent_ids)
        .annotate(nav_rank=rank)
        .filter(nav_rank__lte=SHOWN + 1)
        .order_by("parent_id", "nav_lname", "id")
    )
    found: dict[int, list[Client]] = {}
    for row in rows:
        found.setdefault(row.parent_id, []).append(row)  # type: ignore[arg-type]
    return found


def navigator(
    membership: Membership, *, current: Client | None, expanded: Iterable[int] = ()
) -> Level:
    """The top level with the current client revealed (its ancestors expanded, itself marked)
    and the clients this person left expanded opened again."""
    way = [*visible_ancestors(membership, current), current] if current else []
    position = {c.pk: i for i, c in enumerate(way)}
    top = keyset_page(
        _shown(membership).filter(seen_as_top(membership)), order=ORDER, cursor=None, limit=SHOWN
    )
    roots = [NavNode(client=c) for c in top.items]
    if way and all(n.client.pk != way[0].pk for n in roots):
        roots.append(NavNode(client=way[0]))  # beyond the first page, or archived: still shown
    opened = {pk for pk in list(expanded)[:EXPANDED_KEPT] if isinstance(pk, int)}
    opened |= {c.pk for c in way[:-1]}
    loaded = _children_of(membership, opened)
    nodes: list[NavNode] = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        nodes.append(node)
        pk = node.client.pk
        if pk in position:
            node.on_way = True
            node.current = current is not None and pk == current.pk
        if pk not in opened:
            continue
        rows = loaded.get(pk, [])
        node.children = [NavNode(client=c) for c in rows[:SHOWN]]
        node.more = _cursor(rows[SHOWN - 1]) if len(rows) > SHOWN else None
        following = (
            way[position[pk] + 1] if pk in position and position[pk] + 1 < len(way) else None
        )
        if following is not None and all(n.client.pk != following.pk for n in node.children):
            node.children.append(NavNode(client=following))
        stack.extend(node.children)
    counts = child_counts(membership, [n.client.pk for n in nodes])
    for node in nodes:
        node.child_count = counts.get(node.client.pk, 0)
        if not node.child_count and not node.children:
            node.children = None
    return Level(nodes=roots, more=top.next)


def matches(membership: Membership, q: str) -> tuple[list[Match], bool]:
    """The first MATCHES clients whose name or prefix holds `q`, each with the way down to it
    that this person may see (read one level at a time for all matches together); and whether
    there are more."""
    found = list(search(_shown(membership), q).order_by("nav_lname", "id")[: MATCHES + 1])
    more = len(found) > MATCHES
    found = found[:MATCHES]
    known: dict[int, Client] = {}
    wanted = {c.parent_id for c in found if c.parent_id}
    for _ in range(DEEPEST):
        wanted -= known.keys()
        if not wanted:
            break
        rows = list(queries.live_clients(membership).filter(pk__in=wanted).only(*FIELDS))
        known.update((r.pk, r) for r in rows)
        wanted = {r.parent_id for r in rows if r.parent_id}  # type: ignore[misc]
    result = []
    for client in found:
        way: list[Client] = []
        parent_id = client.parent_id
        while parent_id in known and len(way) < DEEPEST:
            way.append(known[parent_id])  # type: ignore[index]
            parent_id = known[parent_id].parent_id  # type: ignore[index]
        result.append(Match(client=client, way=way[::-1]))
    return result, more


def preference(membership: Membership) -> NavigatorPreference | None:
    return (
        NavigatorPreference.objects.for_account(membership.account_id)
        .filter(user_id=membership.user_id)
        .first()
    )
