"""The metrics against a plain day-by-day recomputation from the status history (oracle.py),
on generated histories in several time zones, before and after a rebuild of the derived
tables, for members who see every client and for members limited to some."""

import random
from datetime import date, timedelta

import pytest

from clientdesk.clients import derived
from clientdesk.clients.models import Client
from clientdesk.core.services import membership_set_client_access
from clientdesk.insights import queries
from clientdesk.tickets.report import local_today
from tests.insights import oracle


def ranges(account, rng: random.Random, n: int = 6) -> list[tuple[date, date]]:
    today = local_today(account)
    out = [(today - timedelta(days=364), today), (today - timedelta(days=29), today)]
    for _ in range(n):
        start = today - timedelta(days=rng.randint(0, 450))
        out.append(
            (start, min(today + timedelta(days=3), start + timedelta(days=rng.randint(0, 120))))
        )
    return out


def check(membership, history, rng) -> None:
    for start, end in ranges(membership.account, rng):
        got = queries.evolution(membership, start, end)
        assert got.days == oracle.evolution(history, start, end), (start, end)
        s = queries.summary(membership, start, end)
        figures = {
            "total": s.total,
            "new": s.new,
            "recurrent": s.recurrent,
            "churned": s.churned,
            "average_permanence_days": s.average_permanence_days,
        }
        assert figures == oracle.summary(history, start, end), (start, end)
        for _ in range(3):
            day = start + timedelta(days=rng.randint(0, (end - start).days))
            status = rng.choice(oracle.STATUSES)
            expected = oracle.drill_down(history, status, day)
            assert queries.drill_down_count(membership, status, day) == len(expected)
            seen, cursor = set(), None
            while True:
                page = queries.drill_down_page(membership, status, day, cursor=cursor, limit=7)
                seen |= {c.pk for c in page.items}
                if not page.next:
                    break
                cursor = page.next
            assert seen == expected, (status, day)


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata", "UTC"])
def test_metrics_agree_with_the_history_in_every_zone_and_after_a_rebuild(cast, zone):
    cast.account.time_zone = zone
    cast.account.save(update_fields=["time_zone"])
    seed = sum(map(ord, zone))
    oracle.generate(cast.account, clients=45, seed=seed)
    history = oracle.status_days(cast.account)
    assert any(len({to for _, to in changes}) < len(changes) for changes in history.values())
    check(cast.owner, history, random.Random(seed))
    derived.rebuild(cast.account)
    check(cast.owner, history, random.Random(seed + 1))


def test_a_new_time_zone_and_a_rebuild_give_the_days_of_the_new_zone(cast):
    cast.account.time_zone = "UTC"
    cast.account.save(update_fields=["time_zone"])
    oracle.generate(cast.account, clients=30, seed=7)
    cast.account.time_zone = "Pacific/Kiritimati"  # UTC+14: most evenings move a day
    cast.account.save(update_fields=["time_zone"])
    derived.rebuild(cast.account)
    check(cast.manager, oracle.status_days(cast.account), random.Random(8))


@pytest.mark.parametrize("access", ["allow", "deny"])
def test_a_member_limited_to_some_clients_sees_the_metrics_of_those_alone(cast, access):
    cast.account.time_zone = "Europe/Madrid"
    cast.account.save(update_fields=["time_zone"])
    oracle.generate(cast.account, clients=40, seed=11)
    live = list(Client.objects.filter(account=cast.account, deleted_at=None).order_by("pk"))
    listed = live[::3]
    membership_set_client_access(
        actor=cast.owner, membership=cast.viewer, access=access, clients=listed
    )
    ids = {c.pk for c in listed}
    seen = ids if access == "allow" else {c.pk for c in live} - ids
    history = oracle.status_days(cast.account, client_ids=seen)
    assert history and len(history) < len(oracle.status_days(cast.account))
    check(cast.viewer, history, random.Random(12))


def test_the_generated_history_gives_figures_worth_checking(cast):
    oracle.generate(cast.account, clients=45, seed=3)
    history = oracle.status_days(cast.account)
    today = local_today(cast.account)
    s = queries.summary(cast.owner, today - timedelta(days=364), today)
    assert s.total > 10 and s.new > 3 and s.recurrent > 0 and s.churned > 0
    assert s.average_permanence_days and s.average_permanence_days > 10
    wins = [c for c in history.values() if [to for _, to in c].count("active") > 1]
    assert wins, "a win-back"
