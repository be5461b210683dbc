"""SLA due times (DESIGN §4): the client's times per kind and priority over the account's
defaults, counted in business hours, stopped while the ticket waits on the client, set again on
a priority change; a due time that passes first is a breach."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from clientdesk.core.services import account_update
from clientdesk.tickets.models import ClientSla, Holiday, Ticket
from clientdesk.tickets.queries import tickets_breached
from clientdesk.tickets.services import reply_add, ticket_create, ticket_update
from clientdesk.tickets.sla import settings_of
from tests.clients.factories import make_client

MADRID = ZoneInfo("Europe/Madrid")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=MADRID)


def _office_account(cast):
    account_update(account=cast.account, actor=cast.owner, time_zone="Europe/Madrid")
    settings_of(cast.account)  # office hours, Monday to Friday 09:00-17:00
    return cast.account


def test_due_times_follow_the_account_defaults_in_business_hours(cast):
    _office_account(cast)
    client = make_client(cast, prefix="BPM")
    # Friday 16:00; normal priority: 8 working hours to respond, 3 days (72 h) to resolve.
    with time_machine.travel(at(2026, 12, 4, 16, 0), tick=False):
        ticket = ticket_create(client=client, actor=cast.technician, title="Printer")
    assert ticket.response_due_at == at(2026, 12, 7, 16, 0)  # 1 h Friday + 7 h Monday
    assert ticket.resolution_due_at == at(2026, 12, 17, 16, 0)  # 1 h + 8 days of 8 h + 7 h


def test_a_client_s_own_times_for_jobs_win_and_24x7_counts_every_hour(cast):
    settings = settings_of(cast.account)
    settings.always_open = True
    settings.save()
    client = make_client(cast, prefix="JOB")
    ClientSla.objects.create(
        account=cast.account, client=client, kind="job", priority="high",
        response_minutes=15, resolution_minutes=120,
    )  # fmt: skip
    with time_machine.travel(at(2026, 12, 5, 23, 0), tick=False):
        job = ticket_create(client=client, actor=None, title="Cabling", kind="job", priority="high")
        request = ticket_create(client=client, actor=None, title="Help", priority="high")
    assert job.response_due_at == at(2026, 12, 5, 23, 15)
    assert job.resolution_due_at == at(2026, 12, 6, 1, 0)
    assert request.response_due_at == at(2026, 12, 6, 1, 0)  # the account's 2 h for high


def test_holidays_stop_the_clock(cast):
    _office_account(cast)
    Holiday.objects.create(account=cast.account, day=datetime(2026, 12, 8).date(), name="Imm.")
    client = make_client(cast)
    with time_machine.travel(at(2026, 12, 7, 16, 0), tick=False):
        ticket = ticket_create(client=client, actor=None, title="x")
    assert ticket.response_due_at == at(2026, 12, 9, 16, 0)  # Tuesday the 8th is a holiday


def test_waiting_on_the_client_pauses_and_resuming_pushes_the_due_times(cast):
    _office_account(cast)
    client = make_client(cast)
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        ticket = ticket_create(client=client, actor=None, title="x", priority="high")
    # high: 2 h to respond, 24 working hours (3 days) to resolve.
    assert ticket.resolution_due_at == at(2026, 12, 9, 17, 0)
    with time_machine.travel(at(2026, 12, 7, 10, 0), tick=False):
        ticket = ticket_update(ticket=ticket, actor=cast.technician, version=None, status="waiting")
    assert ticket.first_response_at == at(2026, 12, 7, 10, 0)
    assert (ticket.response_due_at, ticket.resolution_due_at) == (None, None)
    # Nothing breaches while waiting, however long.
    with time_machine.travel(at(2026, 12, 14, 9, 0), tick=False):
        assert ticket not in tickets_breached(cast.account)
    # The client answers the next day at 11:00: 7 h Monday + 2 h Tuesday were spent waiting.
    with time_machine.travel(at(2026, 12, 8, 11, 0), tick=False):
        reply_add(ticket=ticket, actor=None, body="Here it is", contact=None, source="portal")
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.paused_minutes == 7 * 60 + 2 * 60
    assert ticket.resolution_due_at == at(2026, 12, 11, 10, 0)  # pushed by 9 working hours


def test_a_priority_change_sets_the_due_times_again(cast):
    settings = settings_of(cast.account)
    settings.always_open = True
    settings.save()
    client = make_client(cast)
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        ticket = ticket_create(client=client, actor=None, title="x", priority="low")
    with time_machine.travel(at(2026, 12, 7, 9, 10), tick=False):
        ticket = ticket_update(
            ticket=ticket, actor=cast.technician, version=None, priority="urgent"
        )
    assert ticket.response_due_at == at(2026, 12, 7, 9, 30)
    assert ticket.resolution_due_at == at(2026, 12, 7, 13, 0)


def test_breaches_are_flagged_and_filterable(cast):
    settings = settings_of(cast.account)
    settings.always_open = True
    settings.save()
    client = make_client(cast)
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        late = ticket_create(client=client, actor=None, title="late", priority="urgent")
        answered = ticket_create(client=client, actor=None, title="answered", priority="urgent")
        reply_add(ticket=answered, actor=cast.technician, body="On it")
    with time_machine.travel(at(2026, 12, 7, 9, 45), tick=False):
        assert set(tickets_breached(cast.account)) == {late}
        reply_add(ticket=late, actor=cast.technician, body="Sorry")
    late.refresh_from_db()
    assert late.response_breached  # answered after its due time: a breach, kept
    with time_machine.travel(at(2026, 12, 7, 12, 0), tick=False):
        assert set(tickets_breached(cast.account)) == {late}
        ticket_update(ticket=answered, actor=cast.technician, version=None, status="resolved")
    with time_machine.travel(at(2026, 12, 8, 12, 0), tick=False):
        # `answered` was resolved in time; `late` is still open past its resolution due time.
        assert set(tickets_breached(cast.account)) == {late}
        assert Ticket.objects.get(pk=answered.pk).resolution_breached is False
