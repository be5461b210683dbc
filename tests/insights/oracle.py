"""The metrics of DESIGN §3 computed the plain way, day by day, from the status history alone
(no derived table): what every faster path must agree with."""

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from clientdesk.clients.models import IN_SERVICE, Client, Status, StatusChange
from clientdesk.clients.services import (
    client_change_status,
    client_create,
    client_delete,
    client_set_archived,
)
from clientdesk.clients.status import ALLOWED

STATUSES = list(Status.values)


def status_days(account, client_ids=None) -> dict[int, list[tuple[date, str]]]:
    """Per counted client (not archived, not deleted): its changes as (local day, to), in order."""
    zone = ZoneInfo(account.time_zone)
    counted = Client.objects.filter(account=account, archived=False, deleted_at=None)
    if client_ids is not None:
        counted = counted.filter(pk__in=client_ids)
    keep = set(counted.values_list("pk", flat=True))
    out: dict[int, list] = defaultdict(list)
    for row in StatusChange.objects.filter(account=account).order_by("client_id", "at", "id"):
        if row.client_id in keep:
            out[row.client_id].append((row.at.astimezone(zone).date(), row.to_status))
    return out


def _at_end(changes: list[tuple[date, str]], day: date) -> str | None:
    status = None
    for d, to in changes:
        if d > day:
            break
        status = to
    return status


def evolution(history, start: date, end: date) -> list[tuple[date, dict[str, int]]]:
    out = []
    day = start
    while day <= end:
        counts = dict.fromkeys(STATUSES, 0)
        for changes in history.values():
            status = _at_end(changes, day)
            if status:
                counts[status] += 1
        out.append((day, counts))
        day += timedelta(days=1)
    return out


def summary(history, start: date, end: date) -> dict:
    total = new = churned = days = 0
    for changes in history.values():
        first_change = changes[0][0]
        last = max(end, changes[-1][0]) + timedelta(days=1)
        served_days = []
        day = first_change - timedelta(days=1)
        previous = False
        left = False
        while day <= last:
            now = _at_end(changes, day) in IN_SERVICE
            if now:
                served_days.append(day)
            if previous and not now and start <= day <= end:
                left = True
            previous = now
            day += timedelta(days=1)
        churned += left
        in_range = [d for d in served_days if start <= d <= end]
        if not in_range:
            continue
        total += 1
        first = served_days[0]
        new += start <= first <= end
        days += (max(d for d in served_days if d <= end) - first).days
    return {
        "total": total,
        "new": new,
        "recurrent": total - new,
        "churned": churned,
        "average_permanence_days": round(days / total, 1) if total else None,
    }


def drill_down(history, status: str, day: date) -> set[int]:
    return {pk for pk, changes in history.items() if _at_end(changes, day) == status}


def generate(account, *, clients: int, seed: int, days: int = 420) -> list[Client]:
    """Clients with random histories over the last `days` days, through the services: past
    (back-dated) changes, several on one day, changes near midnight, win-backs; a few archived
    and deleted."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    made = []
    for i in range(clients):
        at = now - timedelta(days=rng.randint(5, days), hours=rng.randint(0, 23))
        status = rng.choice(["lead", "prospect", "invited", "waiting", "active", "active"])
        client = client_create(
            account=account,
            actor=None,
            prefix=f"G{seed % 100:02d}{i:04d}",
            name=f"Generated {i:04d}",
            status=status,
            status_since=at,
        )
        for _ in range(rng.randint(0, 9)):
            step = rng.random()
            if step < 0.2:
                gap = timedelta(minutes=rng.randint(1, 180))  # the same day, mostly
            elif step < 0.3:
                # around midnight UTC: another day in some zones
                base = (at + timedelta(days=1)).replace(hour=23, minute=rng.randint(0, 59))
                gap = base - at
            else:
                gap = timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))
            if at + gap >= now:
                break
            at += gap
            if status == "inactive" and rng.random() < 0.6:
                target = "active"  # a win-back
            else:
                target = rng.choice(ALLOWED[status])
            client = client_change_status(client=client, actor=None, to_status=target, at=at)
            status = target
        made.append(client)
    for client in rng.sample(made, max(1, clients // 20)):
        client_set_archived(client=client, actor=None, archived=True)
    for client in rng.sample(made, max(1, clients // 25)):
        client = Client.objects.get(pk=client.pk)
        if not client.archived:
            client_delete(client=client, actor=None)
    return made
