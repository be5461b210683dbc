from datetime import date

import pytest

from clientdesk.clients import status as rules
from clientdesk.clients.models import Status

D = date


def ch(*pairs):
    return [rules.Change(to_status=s, day=d) for s, d in pairs]


ALLOWED = {
    ("lead", "prospect"),
    ("lead", "invited"),
    ("lead", "active"),
    ("lead", "inactive"),
    ("prospect", "lead"),
    ("prospect", "invited"),
    ("prospect", "active"),
    ("prospect", "inactive"),
    ("invited", "waiting"),
    ("invited", "active"),
    ("invited", "inactive"),
    ("waiting", "active"),
    ("waiting", "inactive"),
    ("active", "at_risk"),
    ("active", "offboarding"),
    ("at_risk", "active"),
    ("at_risk", "offboarding"),
    ("offboarding", "active"),
    ("offboarding", "inactive"),
    ("inactive", "lead"),
    ("inactive", "prospect"),
    ("inactive", "invited"),
    ("inactive", "active"),
}


@pytest.mark.parametrize("current", Status.values)
@pytest.mark.parametrize("target", Status.values)
def test_exactly_the_changes_of_the_design_are_allowed(current, target):
    assert rules.is_allowed(current, target) == ((current, target) in ALLOWED)


def test_a_new_client_starts_in_one_of_the_first_five_statuses():
    assert [s for s in Status.values if rules.is_allowed(None, s)] == [
        "lead",
        "prospect",
        "invited",
        "waiting",
        "active",
    ]


def test_intervals_keep_the_status_at_the_end_of_each_day():
    changes = ch(
        ("lead", D(2026, 1, 1)),
        ("active", D(2026, 1, 5)),
        ("at_risk", D(2026, 2, 1)),
        ("active", D(2026, 2, 1)),  # undone the same day
        ("offboarding", D(2026, 3, 1)),
        ("inactive", D(2026, 3, 10)),
    )
    assert rules.intervals(changes) == [
        ("lead", D(2026, 1, 1), D(2026, 1, 5)),
        ("active", D(2026, 1, 5), D(2026, 3, 1)),
        ("offboarding", D(2026, 3, 1), D(2026, 3, 10)),
        ("inactive", D(2026, 3, 10), None),
    ]


def test_service_periods_join_active_at_risk_and_offboarding_and_end_the_day_before_leaving():
    changes = ch(
        ("active", D(2026, 1, 1)),
        ("at_risk", D(2026, 1, 20)),
        ("offboarding", D(2026, 2, 1)),
        ("inactive", D(2026, 2, 10)),
        ("active", D(2026, 6, 1)),
    )
    assert rules.service_periods(changes) == [
        (D(2026, 1, 1), D(2026, 2, 9)),
        (D(2026, 6, 1), None),
    ]


def test_a_client_in_and_out_of_service_on_one_day_never_counted_in_service():
    changes = ch(("lead", D(2026, 1, 1)), ("active", D(2026, 1, 2)), ("inactive", D(2026, 1, 2)))
    assert rules.service_periods(changes) == []
    assert rules.intervals(changes) == [
        ("lead", D(2026, 1, 1), D(2026, 1, 2)),
        ("inactive", D(2026, 1, 2), None),
    ]


def test_the_day_is_the_accounts_calendar_day():
    from datetime import UTC, datetime

    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert rules.local_day(late, "UTC") == D(2026, 3, 1)
    assert rules.local_day(late, "Europe/Madrid") == D(2026, 3, 2)
    assert rules.local_day(late, "America/New_York") == D(2026, 3, 1)
