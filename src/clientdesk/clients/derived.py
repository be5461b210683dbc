"""Rebuilding and checking the derived status tables of a whole account from its history.

Used after a time-zone change (days are the account's calendar days, fixed when written) and
to prove the incrementally maintained tables agree with the history.

The day deltas hold only the clients that count in metrics (neither archived nor deleted:
clients.services keeps them so when a client is archived, deleted, restored or undeleted); the
status intervals and service periods hold every client's.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Q

from clientdesk.clients import status as rules
from clientdesk.clients.models import (
    Client,
    ServicePeriod,
    StatusChange,
    StatusDayDelta,
    StatusInterval,
)
from clientdesk.core.models import Account


def expected_tables(account: Account) -> dict[str, set]:
    """The three tables as the history says they must be (sets of comparable tuples)."""
    by_client: dict[int, list] = defaultdict(list)
    deltas: dict[tuple, int] = defaultdict(int)
    tz = account.time_zone
    aside = set(
        Client.objects.for_account(account)
        .filter(Q(archived=True) | Q(deleted_at__isnull=False))
        .values_list("pk", flat=True)
    )
    for row in StatusChange.objects.for_account(account).order_by("client_id", "at", "id"):
        by_client[row.client_id].append(row)
        if row.client_id in aside:
            continue  # left out of the day deltas (not of its intervals and periods)
        for day, status, delta in rules.day_deltas(
            row.from_status, row.to_status, rules.local_day(row.at, tz)
        ):
            deltas[(day, status)] += delta
    intervals, periods = set(), set()
    for client_id, rows in by_client.items():
        changes = rules.changes_of(rows, tz)
        intervals |= {(client_id, *span) for span in rules.intervals(changes)}
        periods |= {(client_id, *row) for row in rules.period_rows(rules.service_periods(changes))}
    return {
        "deltas": {(day, status, n) for (day, status), n in deltas.items() if n},
        "intervals": intervals,
        "periods": periods,
    }


def stored_tables(account: Account) -> dict[str, set]:
    return {
        "deltas": set(
            StatusDayDelta.objects.for_account(account)
            .exclude(delta=0)
            .values_list("day", "status", "delta")
        ),
        "intervals": set(
            StatusInterval.objects.for_account(account).values_list(
                "client_id", "status", "valid_from", "valid_to"
            )
        ),
        "periods": set(
            ServicePeriod.objects.for_account(account).values_list(
                "client_id", "start_day", "end_day", "first_day", "next_start_day", "next_end_day"
            )
        ),
    }


def differences(account: Account) -> dict[str, int]:
    """How many rows differ per table (0 everywhere: the tables agree with the history)."""
    expected, stored = expected_tables(account), stored_tables(account)
    return {name: len(expected[name] ^ stored[name]) for name in expected}


@transaction.atomic
def rebuild(account: Account) -> dict[str, int]:
    expected = expected_tables(account)
    StatusDayDelta.objects.for_account(account).delete()
    StatusInterval.objects.for_account(account).delete()
    ServicePeriod.objects.for_account(account).delete()
    StatusDayDelta.objects.bulk_create(
        [
            StatusDayDelta(account=account, day=d, status=s, delta=n)
            for d, s, n in expected["deltas"]
        ],
        batch_size=2000,
    )
    StatusInterval.objects.bulk_create(
        [
            StatusInterval(account=account, client_id=c, status=s, valid_from=f, valid_to=t)
            for c, s, f, t in expected["intervals"]
        ],
        batch_size=2000,
    )
    ServicePeriod.objects.bulk_create(
        [
            ServicePeriod(
                account=account,
                client_id=c,
                start_day=s,
                end_day=e,
                first_day=f,
                next_start_day=n,
                next_end_day=ne,
            )
            for c, s, e, f, n, ne in expected["periods"]
        ],
        batch_size=2000,
    )
    return {name: len(rows) for name, rows in expected.items()}
