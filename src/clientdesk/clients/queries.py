"""Reads on clients shared by the pages and the API; every one starts from the member's scope
(`Client.objects.for_member`: the account, the client limits, not deleted)."""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.http import Http404

from clientdesk.clients.models import (
    Client,
    ClientTag,
    Engagement,
    Industry,
    Status,
    StatusChange,
    StatusDayDelta,
    Tag,
)
from clientdesk.clients.search import search
from clientdesk.core import registry
from clientdesk.core.models import Membership
from clientdesk.core.pagination import Page, keyset_page
from clientdesk.core.tenancy import client_rule, get_for

TABS: dict[str, tuple[str, ...] | None] = {
    "leads": (Status.LEAD, Status.PROSPECT),
    "onboarding": (Status.INVITED, Status.WAITING),
    "active": (Status.ACTIVE, Status.AT_RISK),
    "offboarding": (Status.OFFBOARDING,),
    "inactive": (Status.INACTIVE,),
    "archived": None,
    "all": None,
}
STATUS_RANK = Case(
    *[When(status=s, then=Value(i)) for i, s in enumerate(Status.values)],
    output_field=IntegerField(),
)
# Sortable columns: the expression sorted on (never NULL, so the cursor can compare it).
SORTS = {
    "name": Lower("name"),
    "prefix": F("prefix"),
    "status": STATUS_RANK,
    "engagement": F("engagement"),
    "industry": Coalesce(Lower("industry__name"), Value(""), output_field=CharField()),
    "manager": Coalesce(Lower("manager__email"), Value(""), output_field=CharField()),
    "created": F("created_at"),
    "status_since": F("status_changed_at"),
}
DEFAULT_SORT = "name"


_sorts_kept: tuple[int, dict[str, Any]] = (-1, {})


def sorts(membership: Membership | None = None) -> dict[str, Any]:
    """SORTS plus the sortable columns other domains add (core.registry.client_columns), those
    the member may see when a member is given. The expressions are built once per state of the
    registry (as SORTS is, once): a page asks for them many times."""
    global _sorts_kept
    version, every = _sorts_kept
    if version != registry.client_columns.version:
        columns = registry.client_columns.all()
        every = SORTS | {c.key: c.sort() for c in columns if c.sort is not None}
        _sorts_kept = (registry.client_columns.version, every)
    if membership is None:
        return every
    seen = {c.key for c in registry.client_columns.for_member(membership)}
    hidden = {c.key for c in registry.client_columns.all()} - seen
    return {key: sort for key, sort in every.items() if key not in hidden}


def extra_filters(membership: Membership | None = None) -> list[registry.ClientFilter]:
    """The filters other domains add (core.registry.client_filters), those the member may use."""
    if membership is None:
        return registry.client_filters.all()
    return registry.client_filters.for_member(membership)


@dataclass
class ClientFilters:
    tab: str = "all"
    q: str = ""
    status: list[str] = field(default_factory=list)
    engagement: list[str] = field(default_factory=list)
    industry: int | None = None
    manager: int | None = None
    tag: int | None = None
    parent: int | None = None
    archived: bool | None = None  # None: follow the tab (the Archived tab shows archived only)
    # The other domains' filters (core.registry.client_filters): key → parsed value.
    extra: dict[str, Any] = field(default_factory=dict)


def clients_visible(membership: Membership) -> QuerySet[Client]:
    """The clients this person may see, deleted ones included (their prefixes stay taken)."""
    return Client.objects.for_account(membership.account_id).filter(client_rule(membership, ""))


def live_clients(membership: Membership) -> QuerySet[Client]:
    """The clients this person may see, not deleted."""
    return Client.objects.for_member(membership)


def get_client(*, membership: Membership, pk) -> Client:
    """A client this person may see, else 404 (missing, deleted, other account or not allowed)."""
    client = get_for(
        membership, Client.objects.select_related("account", "industry", "manager", "parent"), pk
    )
    hide_unseen_parents(membership, [client])
    return client


def hide_unseen_parents(membership: Membership, clients: list[Client]) -> None:
    """Blank the parent of clients whose parent this person may not see (allow/deny lists):
    its name and id stay as hidden as its page (in memory only; never saved)."""
    if membership.client_access == "all":
        return
    parent_ids = {c.parent_id for c in clients if c.parent_id}
    seen = set(live_clients(membership).filter(pk__in=parent_ids).values_list("pk", flat=True))
    for client in clients:
        if client.parent_id and client.parent_id not in seen:
            client.parent = None


def deleted_clients(membership: Membership) -> QuerySet[Client]:
    """The deleted clients this person may see: only owners are shown them, and owners see
    every client (core.services refuses them a client list), so a deleted client's parent is
    never one they may not see."""
    # `isnull=False`, not `exclude(deleted_at=None)`: SQLite uses the partial index
    # client_deleted_idx only for a condition written as its own (`deleted_at IS NOT NULL`).
    return (
        clients_visible(membership)
        .filter(deleted_at__isnull=False)
        .select_related("account", "deleted_by", "parent")
    )


def get_deleted_client(*, membership: Membership, pk) -> Client:
    """A deleted client this person may see, else 404."""
    found = deleted_clients(membership).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_client_or_deleted(*, membership: Membership, pk) -> Client:
    """A client this person may see, deleted or not, else 404 (what a restore looks up)."""
    found = clients_visible(membership).select_related("account").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def deleted_page(
    *, membership: Membership, q: str = "", cursor: str | None, before: str | None, limit: int
) -> Page:
    """The deleted clients, the latest deletion first, a keyset page at a time."""
    return keyset_page(
        search(deleted_clients(membership), q),
        order=["-deleted_at", "-id"],
        cursor=cursor,
        before=before,
        limit=limit,
    )


def filtered(
    membership: Membership,
    f: ClientFilters,
    *,
    with_tab: bool = True,
    status_unindexed: bool = False,
) -> QuerySet[Client]:
    """The member's clients under these filters. `status_unindexed` writes the status
    conditions as `+status IN (…)` (SQLite only), so that SQLite, which has no statistics,
    does not take client_status_idx for them and sort the whole tab, but walks the index
    of the sort (another domain's kept value, `ClientColumn.sort_rows`)."""
    qs = live_clients(membership)
    archived = f.archived
    if archived is None:
        archived = with_tab and f.tab == "archived"
    if with_tab or f.archived is not None:
        qs = qs.filter(archived=archived)
    status = "status"
    if status_unindexed:
        qs = qs.alias(status_plain=Func(F("status"), template="+%(expressions)s"))
        status = "status_plain"
    if with_tab and TABS.get(f.tab):
        qs = qs.filter(**{f"{status}__in": TABS[f.tab]})
    if f.status:
        qs = qs.filter(**{f"{status}__in": f.status})
    if f.engagement:
        qs = qs.filter(engagement__in=f.engagement)
    if f.industry:
        qs = qs.filter(industry_id=f.industry)
    if f.manager:
        qs = qs.filter(manager_id=f.manager)
    if f.tag:
        qs = qs.filter(
            pk__in=Tag.objects.for_account(membership.account_id).filter(pk=f.tag).values("clients")
        )
    if f.parent:
        # Only below a parent this person sees: else the answer confirms a hidden client's id.
        qs = qs.filter(client_rule(membership, "parent__"), parent_id=f.parent)
    if f.extra:
        for entry in extra_filters(membership):
            if f.extra.get(entry.key) is not None:
                qs = entry.apply(membership, qs, f.extra[entry.key])
    return search(qs, f.q)


def client_page(
    *,
    membership: Membership,
    filters: ClientFilters,
    sort: str = DEFAULT_SORT,
    descending: bool = False,
    cursor: str | None = None,
    limit: int = 50,
    before: str | None = None,
    only: tuple[str, ...] | None = None,
) -> Page:
    """One keyset page of the Clients list. `only`: the fields to load, for a reader of many
    pages that needs few of them (the exports: Django makes the objects faster)."""
    available = sorts(membership)
    sort = sort if sort in available else DEFAULT_SORT
    walked = [c.sort_rows for c in registry.client_columns.all() if c.key == sort and c.sort_rows]
    qs = filtered(
        membership, filters, status_unindexed=bool(walked) and connection.vendor == "sqlite"
    )
    for narrow in walked:
        if narrow is not None:
            qs = narrow(membership, qs)
    qs = (
        qs
        # Named after the sort, so a cursor made for one sort is refused by another.
        .annotate(**{f"sort_{sort}": available[sort]}).select_related(
            "industry", "manager", "parent"
        )
    )
    if only:
        qs = qs.only(*only)
    prefix = "-" if descending else ""
    page = keyset_page(
        qs,
        order=[f"{prefix}sort_{sort}", f"{prefix}id"],
        cursor=cursor,
        limit=limit,
        before=before,
    )
    _attach_tags(membership.account_id, page.items)
    hide_unseen_parents(membership, page.items)
    return page


def _attach_tags(account_id: int, clients: list[Client]) -> None:
    """Each client's tag names in one query for the whole page."""
    by_client: dict[int, list[str]] = {c.pk: [] for c in clients}
    rows = (
        ClientTag.objects.for_account(account_id)
        .filter(client_id__in=by_client)
        .order_by("tag__name")
        .values_list("client_id", "tag__name")  # plain pairs: an export reads 100,000 of them
    )
    for client_id, name in rows:
        by_client[client_id].append(name)
    for client in clients:
        client.tag_names = by_client[client.pk]  # type: ignore[attr-defined]


def tab_counts(*, membership: Membership, filters: ClientFilters) -> dict[str, int]:
    """The live count behind each tab, for the current filters, in one or two queries."""
    if membership.client_access == "all" and filters == ClientFilters(tab=filters.tab):
        return _tab_counts_from_deltas(membership)
    return _tab_counts_by_counting(membership, filters)


def _tab_counts_by_counting(membership: Membership, filters: ClientFilters) -> dict[str, int]:
    qs = filtered(membership, filters, with_tab=False)
    # Aliased n_<tab>: an aggregate named like a field ("archived") would shadow it.
    aggregates = {
        f"n_{tab}": Count("id", filter=Q(archived=False, status__in=statuses))
        for tab, statuses in TABS.items()
        if statuses
    }
    aggregates["n_archived"] = Count("id", filter=Q(archived=True))
    aggregates["n_all"] = Count("id", filter=Q(archived=False))
    return {key[2:]: value for key, value in qs.aggregate(**aggregates).items()}


def _tab_counts_from_deltas(membership: Membership) -> dict[str, int]:
    """Unfiltered, for someone who sees every client: the sum of the account's status day
    deltas is how many clients have each status now (kept with the history, proven by
    `rebuildstatus --check`; the clients set aside, archived or deleted, are not in them) —
    a few thousand rows instead of counting every client; the archived tab's count from the
    few set aside."""
    now = dict(
        StatusDayDelta.objects.for_account(membership.account_id)
        .values_list("status")
        .annotate(n=Sum("delta"))
        .values_list("status", "n")
    )
    archived = sum(
        1
        for _status, is_archived, deleted_at in set_aside_rows(membership.account_id)
        if is_archived and deleted_at is None
    )
    counts = {
        tab: sum(now.get(s, 0) for s in statuses) for tab, statuses in TABS.items() if statuses
    }
    return {**counts, "archived": archived, "all": sum(now.values())}


def set_aside_rows(account_id: int) -> list[tuple]:
    """(status, archived, deleted_at) of the account's few clients set aside, read through
    `client_set_aside_idx`. SQLite, having no statistics, would take the first index led by
    `account_id` instead and read every client of the account (12 ms at 100,000), so there the
    index is named (`INDEXED BY`; SQLite refuses the query rather than ignore it)."""
    rows = (
        Client.objects.for_account(account_id)
        .filter(Q(archived=True) | Q(deleted_at__isnull=False))
        .values_list("status", "archived", "deleted_at")
    )
    if connection.vendor != "sqlite":
        return list(rows)
    sql, params = rows.query.sql_with_params()
    table = f'FROM "{Client._meta.db_table}"'
    sql = sql.replace(table, f'{table} INDEXED BY "client_set_aside_idx"', 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def history(*, client: Client) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.for_account(client.account_id)
        .filter(client=client)
        .select_related("by")
        .order_by("at", "id")
    )


def children(
    *, membership: Membership, parent_id: int | None, limit: int | None = None
) -> list[Client]:
    """Visible direct children (the first `limit` by name), each with how many visible children
    it has itself; only the fields a tree shows are read."""
    visible = live_clients(membership).filter(archived=False)
    counted = Q(children__deleted_at=None, children__archived=False)
    qs = (
        visible.filter(parent_id=parent_id)
        .only("id", "name", "prefix", "archived", "parent_id", "account_id")
        .annotate(
            child_count=Count("children", filter=counted & client_rule(membership, "children__"))
        )
        .order_by(Lower("name"), "id")
    )
    return list(qs if limit is None else qs[:limit])


def ancestors(*, client: Client) -> list[Client]:
    """From the root down to the client's parent (a few queries: trees are shallow)."""
    chain, seen, node = [], {client.pk}, client.parent
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.parent
    return list(reversed(chain))


_DESCENDANTS_SQL = """
WITH RECURSIVE tree(id) AS (
    SELECT id FROM {table} WHERE account_id = %s AND parent_id = %s AND deleted_at IS NULL
    UNION
    SELECT c.id FROM {table} c JOIN tree ON c.parent_id = tree.id
    WHERE c.account_id = %s AND c.deleted_at IS NULL
)
SELECT id FROM tree
"""


def descendant_ids(*, client: Client) -> set[int]:
    """Every live sub-client at any depth, in one recursive query walking the
    (account, parent) index; kept on the client object, so the several panels of one client
    page that roll up over the tree ask once. (Per level with `parent_id IN (…)`, a client with
    500 sub-clients cost 3 queries of 500 parameters each time, 10+ ms.) UNION, not UNION ALL:
    a cycle, which the services refuse anyway, would end rather than loop."""
    kept = client.__dict__.get("_descendant_ids")
    if kept is not None:
        return set(kept)
    sql = _DESCENDANTS_SQL.format(table=connection.ops.quote_name(Client._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [client.account_id, client.pk, client.account_id])
        found = {row[0] for row in cursor.fetchall()}
    found.discard(client.pk)
    client.__dict__["_descendant_ids"] = frozenset(found)
    return found


def industries(*, account) -> QuerySet[Industry]:
    return Industry.objects.for_account(account).order_by(Lower("name"))


def tags(*, account) -> QuerySet[Tag]:
    return Tag.objects.for_account(account).order_by(Lower("name"))


def managers(*, account):
    from clientdesk.core.queries import team_members

    return [m.user for m in team_members(account=account)]


def engagement_choices():
    return Engagement.choices
