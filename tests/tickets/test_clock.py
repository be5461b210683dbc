"""The SLA clock: working minutes inside business hours, across nights, weekends, holidays
and a daylight-saving change."""

from datetime import UTC, date, datetime, time

from clientdesk.tickets.clock import OFFICE_HOURS, Calendar

OFFICE = Calendar(time_zone="Europe/Madrid", always_open=False, hours=OFFICE_HOURS)


def madrid(*args) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Madrid"))


def test_always_open_counts_every_minute():
    start = datetime(2026, 12, 4, 22, 0, tzinfo=UTC)
    assert Calendar().add(start, 120) == datetime(2026, 12, 5, 0, 0, tzinfo=UTC)


def test_within_one_working_day():
    # Friday 4 December 2026, 10:00 in Madrid: two working hours later is 12:00.
    assert OFFICE.add(madrid(2026, 12, 4, 10, 0), 120) == madrid(2026, 12, 4, 12, 0)


def test_friday_evening_runs_into_monday():
    # One hour left on Friday (16:00–17:00); the other three from Monday 09:00.
    assert OFFICE.add(madrid(2026, 12, 4, 16, 0), 240) == madrid(2026, 12, 7, 12, 0)


def test_a_ticket_raised_at_night_starts_at_opening():
    assert OFFICE.add(madrid(2026, 12, 8, 23, 30), 30) == madrid(2026, 12, 9, 9, 30)


def test_holidays_are_skipped():
    calendar = Calendar(
        time_zone="Europe/Madrid",
        always_open=False,
        hours=OFFICE_HOURS,
        holidays=frozenset({date(2026, 12, 7), date(2026, 12, 8)}),
    )
    assert calendar.add(madrid(2026, 12, 4, 16, 0), 240) == madrid(2026, 12, 9, 12, 0)


def test_daylight_saving_change_does_not_shift_the_clock():
    # Sunday 29 March 2026 Spain moves to summer time; a 24×7 account open on Sundays counts
    # real minutes: 02:00 is skipped, so 01:30 + 60 minutes is 03:30 local.
    calendar = Calendar(
        time_zone="Europe/Madrid",
        always_open=False,
        hours={day: [(time(0), time(0))] for day in range(7)},
    )
    assert calendar.add(madrid(2026, 3, 29, 1, 30), 60) == madrid(2026, 3, 29, 3, 30)


def test_between_counts_only_working_minutes():
    # Friday 16:00 to Monday 10:00: one hour Friday, one Monday.
    assert OFFICE.between(madrid(2026, 12, 4, 16, 0), madrid(2026, 12, 7, 10, 0)) == 120
    assert OFFICE.between(madrid(2026, 12, 7, 10, 0), madrid(2026, 12, 4, 16, 0)) == 0


def test_add_and_between_agree():
    start = madrid(2026, 12, 3, 15, 17)
    for minutes in (1, 59, 480, 481, 5000):
        assert OFFICE.between(start, OFFICE.add(start, minutes)) == minutes
