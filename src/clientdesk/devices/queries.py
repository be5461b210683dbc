"""Reads on devices shared by the pages, the portal and the API.

A device is reachable only through a client the membership may see (clients.queries), so the
allow/deny lists and the account hold here exactly as they do for clients.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Lower

from clientdesk.clients.models import Client
from clientdesk.clients.queries import live_clients
from clientdesk.core.models import Account, Membership
from clientdesk.core.pagination import Page, keyset_page
from clientdesk.core.sqlarrays import among
from clientdesk.core.tenancy import get_for
from clientdesk.devices.models import Device, DeviceSettings, DeviceType

TYPES = tuple(DeviceType.values)
# Sortable columns: the expression sorted on (never NULL, so the cursor can compare it).
SORTS: dict[str, Combinable] = {
    "name": Lower("name"),
    "type": F("type"),
    "os": Lower("os"),
    "manufacturer": Lower("manufacturer"),
    "model": Lower("model"),
    "serial": Lower("serial"),
    "ip": F("ip"),
    "mac": F("mac"),
    "location": Lower("location"),
    "last_seen": Coalesce("last_seen_at", F("created_at")),
    "online": F("online"),
    "created": F("created_at"),
}
DEFAULT_SORT = "name"


def live_devices(membership: Membership) -> QuerySet[Device]:
    """This account's devices, not deleted, of live clients the membership may see."""
    return Device.objects.for_member(membership).filter(deleted_at=None)


def get_device(*, membership: Membership, pk) -> Device:
    """A live device of a client this person may see, else 404 (like a missing one)."""
    return get_for(membership, Device.objects.select_related("client"), pk, deleted_at=None)


def search(qs: QuerySet[Device], q: str | None) -> QuerySet[Device]:
    """Every word of `q` in the name, serial, IP, MAC, model or manufacturer."""
    for word in (q or "").split():
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(serial__icontains=word)
            | Q(ip__icontains=word)
            | Q(mac__icontains=word)
            | Q(model__icontains=word)
            | Q(manufacturer__icontains=word)
        )
    return qs


def devices_of(
    *,
    membership: Membership,
    client: Client,
    q: str | None = None,
    type: str = "",
    online: bool | None = None,
    order: str = DEFAULT_SORT,
    cursor: str | None = None,
    limit: int = 50,
    before: str | None = None,
) -> Page:
    """One page of the client's devices; `order` is a key of SORTS, `-` first for descending.
    An unknown order falls back to the default (the API refuses it before calling)."""
    sort = order.removeprefix("-")
    if sort not in SORTS:
        sort, order = DEFAULT_SORT, DEFAULT_SORT
    prefix = "-" if order.startswith("-") else ""
    qs = filtered(membership, client, q=q, type=type, online=online)
    key = f"sort_{sort}"  # named after the sort: a cursor made for another order is refused
    qs = qs.annotate(**{key: SORTS[sort]})
    return keyset_page(
        qs, order=[f"{prefix}{key}", f"{prefix}id"], cursor=cursor, limit=limit, before=before
    )


def filtered(
    membership: Membership, client: Client, *, q=None, type: str = "", online=None
) -> QuerySet[Device]:
    qs = search(live_devices(membership).filter(client_id=client.pk), q)
    if type:
        qs = qs.filter(type=type)
    if online is not None:
        qs = qs.filter(online=online)
    return qs


# Counts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceCounts:
    own: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))
    with_subclients: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))

    @property
    def own_total(self) -> int:
        return sum(self.own.values())

    @property
    def with_subclients_total(self) -> int:
        return sum(self.with_subclients.values())


CHUNK = 5000  # client ids per count query


def _counts_of(account_id: int, ids: list[int]) -> dict[int, list[int]]:
    """{client id: [n per type]} of the live devices of these clients, read from the partial
    index (account, client, type) alone."""
    found: dict[int, list[int]] = {}
    index = {t: i for i, t in enumerate(TYPES)}
    for start in range(0, len(ids), CHUNK):
        rows = (
            Device.objects.for_account(account_id)
            .filter(among("client_id", ids[start : start + CHUNK]), deleted_at=None)
            .values_list("client_id", "type")
            .annotate(n=Count("*"))
            .order_by()
        )
        for client_id, kind, n in rows:
            found.setdefault(client_id, [0] * len(TYPES))[index[kind]] += n
    return found


def device_counts_by_client(
    *, clients: Iterable[Client], membership: Membership
) -> dict[int, DeviceCounts]:
    """Each client's devices per type, alone and with its visible sub-clients at any depth:
    one query per level of the subtrees below them (the clients the membership may see, never
    per row, reading only those subtrees), then one count of their devices (per 5,000
    clients). A sub-client the membership may not see counts nothing, and neither does what
    is below it."""
    wanted = list({c.pk: c for c in clients}.values())
    if not wanted:
        return {}
    children: dict[int, list[int]] = {}
    level = {c.pk for c in wanted}
    seen = set(level)
    live = live_clients(membership)
    while level:
        rows = list(live.filter(among("parent_id", level)).values_list("pk", "parent_id"))
        level = set()
        for pk, parent_id in rows:
            children.setdefault(parent_id, []).append(pk)
            if pk not in seen:
                seen.add(pk)
                level.add(pk)
    own = _counts_of(membership.account_id, sorted(seen))
    zero = [0] * len(TYPES)

    def total(root: int) -> dict[str, int]:
        sums = [0] * len(TYPES)
        stack, visited = [root], {root}
        while stack:
            node = stack.pop()
            for i, n in enumerate(own.get(node, zero)):
                sums[i] += n
            for child in children.get(node, ()):
                if child not in visited:
                    visited.add(child)
                    stack.append(child)
        return dict(zip(TYPES, sums, strict=True))

    return {
        c.pk: DeviceCounts(
            own=dict(zip(TYPES, own.get(c.pk, zero), strict=True)), with_subclients=total(c.pk)
        )
        for c in wanted
    }


def device_counts(*, client: Client, membership: Membership) -> DeviceCounts:
    return device_counts_by_client(clients=[client], membership=membership)[client.pk]


def request_counts(request, client: Client) -> DeviceCounts:
    """device_counts of this client, read once per request (the details panel shows them, and
    the Devices tab's "Showing 50 of N" is their total when no filter is set)."""
    kept = getattr(request, "_device_counts", None)
    if kept is None or kept[0] != client.pk:
        kept = (client.pk, device_counts(client=client, membership=request.membership))
        request._device_counts = kept
    return kept[1]


def known_count(request, client: Client, *, q=None, type: str = "", online=None) -> int | None:
    """How many devices the tab lists, when the request already counted them (the details
    panel's own counts; a text or online filter needs its own count): else None."""
    kept = getattr(request, "_device_counts", None)
    if q or online is not None or kept is None or kept[0] != client.pk:
        return None
    counts = kept[1]
    return counts.own[type] if type else counts.own_total


def portal_devices(client: Client) -> QuerySet[Device]:
    """The live devices of the client the portal shows (portal.queries.portal_scope chose it)."""
    return Device.objects.for_client(client).filter(deleted_at=None)


# Search and settings ------------------------------------------------------------------------


def devices_matching(*, membership: Membership, q: str, limit: int = 10) -> list[Device]:
    """For the global search: devices of clients this person may see whose name, serial, IP,
    MAC, model or manufacturer holds every word of `q`, with their client."""
    if not q.strip():
        return []
    found = search(live_devices(membership), q).select_related("client")
    return list(found.order_by(Lower("name"), "id")[:limit])


def settings_of(account: Account | int) -> DeviceSettings:
    """The account's device settings (unsaved defaults until someone saves them)."""
    account_id = account.pk if isinstance(account, Account) else account
    found = DeviceSettings.objects.for_account(account_id).first()
    return found or DeviceSettings(account_id=account_id)


def request_settings(request) -> DeviceSettings:
    """settings_of the request's account, read once per request (a tab and the details panel
    around it both ask)."""
    found = getattr(request, "_device_settings", None)
    if found is None:
        found = request._device_settings = settings_of(request.account)
    return found


def type_labels(settings: DeviceSettings) -> dict[str, str]:
    """Each tier's name in this account: its own, else the default."""
    own = settings.type_labels or {}
    return {value: own.get(value) or str(label) for value, label in DeviceType.choices}


def custom_fields(settings: DeviceSettings) -> list[dict[str, str]]:
    """The account's own device fields, in their order: [{"key", "label"}]."""
    return list(settings.custom_fields or [])


def custom_values(settings: DeviceSettings, device: Device) -> list[tuple[str, str]]:
    """(label, value) of each of the account's fields for this device, "" where unset."""
    own = device.custom_fields or {}
    return [(f["label"], own.get(f["key"], "")) for f in custom_fields(settings)]


def rmm_url(settings: DeviceSettings, device: Device) -> str:
    """The device's address in the account's RMM, or "" when no pattern is set."""
    pattern = settings.rmm_url_pattern
    if not pattern or ("{serial}" in pattern and not device.serial):
        return ""
    return pattern.replace("{serial}", quote(device.serial, safe="")).replace(
        "{name}", quote(device.name, safe="")
    )
