"""Agreements (issue 14): states from the dates in the account's zone, the service's rules,
coverage under both all-you-can-eat kinds, hours used from tickets, and the daily warning."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from clientdesk.agreements import queries
from clientdesk.agreements.models import Agreement, State
from clientdesk.agreements.services import (
    agreement_create,
    agreement_end,
    agreement_renew,
    agreement_update,
    agreements_warn,
)
from clientdesk.audit.models import Activity
from clientdesk.contacts.services import contact_create
from clientdesk.core.models import Message
from clientdesk.tickets.services import reply_add, ticket_create
from tests.clients.factories import make_client


def _make(client, **fields) -> Agreement:
    values = {
        "name": "Support",
        "kind": "fixed_fee",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        "monthly_price": Decimal("450.00"),
    } | fields
    return agreement_create(client=client, actor=None, **values)


def test_the_state_turns_at_midnight_in_the_account_zone(cast):
    cast.account.time_zone = "Pacific/Auckland"  # UTC+13 in December
    cast.account.save()
    client = make_client(cast, prefix="BPM")
    agreement = _make(client, starts_on=date(2026, 12, 5), ends_on=date(2026, 12, 6))
    upcoming_q = Agreement.objects.for_account(cast.account).filter(
        queries.state_q(State.UPCOMING, queries.today_for(cast.account))
    )
    # 10:59 UTC on 4 December is 23:59 on the 4th in Auckland: not started yet.
    with time_machine.travel(datetime(2026, 12, 4, 10, 59, tzinfo=ZoneInfo("UTC")), tick=False):
        assert Agreement.objects.get(pk=agreement.pk).state == "upcoming"
    # 11:00 UTC is midnight: the 5th, its first day, although it is still the 4th in UTC.
    with time_machine.travel(datetime(2026, 12, 4, 11, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        assert Agreement.objects.get(pk=agreement.pk).state == "current"
        today = queries.today_for(cast.account)
        assert today == date(2026, 12, 5)
        current = Agreement.objects.for_account(cast.account).filter(
            queries.state_q(State.CURRENT, today)
        )
        assert list(current) == [agreement]
    # Its last day (the 6th) is included; the 7th in Auckland it has expired.
    with time_machine.travel(datetime(2026, 12, 6, 10, 59, tzinfo=ZoneInfo("UTC")), tick=False):
        assert Agreement.objects.get(pk=agreement.pk).state == "current"
    with time_machine.travel(datetime(2026, 12, 6, 11, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        assert Agreement.objects.get(pk=agreement.pk).state == "expired"
        expired = Agreement.objects.for_account(cast.account).filter(
            queries.state_q(State.EXPIRED, queries.today_for(cast.account))
        )
        assert list(expired) == [agreement]
    assert upcoming_q is not None


def test_the_rules_of_an_agreement(cast):
    client = make_client(cast, prefix="BPM")
    other = make_client(cast, prefix="OTH")
    stranger = contact_create(client=other, actor=None, first_name="Sam")
    with pytest.raises(ValidationError) as err:
        _make(client, starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 30))
    assert "ends_on" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        _make(client, kind="fixed_fee", hours=Decimal("10"))
    assert "hours" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        _make(client, kind="hours_block")
    assert "hours" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        _make(client, kind="ayce_user", contacts=[stranger])
    assert "contacts" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        _make(client, monthly_price=Decimal("-1"))
    assert "monthly_price" in err.value.error_dict
    assert Agreement.objects.for_account(cast.account).count() == 0


def test_edit_renew_and_end_record_activity(cast):
    client = make_client(cast, prefix="BPM")
    ana = contact_create(client=client, actor=None, first_name="Ana")
    agreement = _make(client, kind="ayce_user", contacts=[ana])
    changed = agreement_update(
        agreement=agreement, actor=cast.manager, version=1, monthly_price=Decimal("500")
    )
    assert changed.version == 2 and changed.monthly_price == Decimal("500.00")
    renewed = agreement_renew(agreement=changed, actor=cast.manager)
    assert (renewed.starts_on, renewed.ends_on) == (date(2027, 1, 1), date(2027, 12, 31))
    assert queries.covered_ids([renewed])[renewed.pk] == [ana.pk]
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        ended = agreement_end(agreement=changed, actor=cast.manager)
        assert ended.ends_on == date(2026, 6, 15) and ended.state == "current"
    verbs = list(
        Activity.objects.for_account(cast.account)
        .filter(verb__startswith="agreement.")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "agreement.created",
        "agreement.updated",
        "agreement.created",
        "agreement.renewed",
        "agreement.ended",
    ]
    # A kind other than per-user drops the covered contacts.
    fixed = agreement_update(agreement=renewed, actor=None, version=None, kind="fixed_fee")
    assert queries.covered_ids([fixed])[fixed.pk] == []


@time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False)
def test_coverage_under_both_all_you_can_eat_kinds(cast):
    parent = make_client(cast, prefix="PAR", name="Parent")
    child = make_client(cast, prefix="CHI", name="Child", parent=parent)
    grandchild = make_client(cast, prefix="GRA", name="Grandchild", parent=child)
    people = {
        c: [contact_create(client=c, actor=None, first_name=f"P{i}") for i in range(n)]
        for c, n in ((parent, 4), (child, 3), (grandchild, 2))
    }
    # Parent: per user, two of its four contacts covered.
    _make(parent, kind="ayce_user", contacts=people[parent][:2])
    # An expired per-user agreement covering a third counts for nothing.
    _make(
        parent,
        kind="ayce_user",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
        contacts=people[parent][2:3],
    )
    # Child: per client: all three in.
    _make(child, kind="ayce_client")
    # Grandchild: an upcoming per-client agreement: nobody in yet.
    _make(grandchild, kind="ayce_client", starts_on=date(2026, 7, 1))
    found = {c.pk: queries.coverage(membership=cast.owner, client=c) for c in people}
    assert found[parent.pk] == queries.Coverage(
        in_own=2, out_own=2, in_with_subclients=5, out_with_subclients=4
    )
    assert found[child.pk] == queries.Coverage(
        in_own=3, out_own=0, in_with_subclients=3, out_with_subclients=2
    )
    assert found[grandchild.pk] == queries.Coverage(
        in_own=0, out_own=2, in_with_subclients=0, out_with_subclients=2
    )


def test_hours_used_come_from_time_logged_within_the_dates(cast):
    client = make_client(cast, prefix="BPM")
    block = _make(
        client,
        kind="hours_block",
        hours=Decimal("10"),
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 30),
    )
    ticket = ticket_create(client=client, actor=None, title="Printer")
    for when, minutes in (
        (datetime(2026, 5, 31, 23, 0, tzinfo=ZoneInfo("UTC")), 60),  # before its first day
        (datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("UTC")), 90),
        (datetime(2026, 6, 30, 23, 0, tzinfo=ZoneInfo("UTC")), 45),
        (datetime(2026, 7, 1, 0, 0, tzinfo=ZoneInfo("UTC")), 30),  # after its last day
    ):
        with time_machine.travel(when, tick=False):
            reply_add(ticket=ticket, actor=cast.technician, body="done", minutes=minutes)
    assert queries.hours_used([block]) == {block.pk: Decimal("2.25")}


def test_the_daily_warning_goes_once_30_days_before_the_end(cast, run_tasks):
    client = make_client(cast, prefix="BPM", manager=cast.manager.user)
    agreement = _make(client, starts_on=date(2026, 1, 1), ends_on=date(2026, 7, 15))
    _make(client, name="Later", starts_on=date(2026, 1, 1), ends_on=date(2026, 8, 15))
    assert agreements_warn(account=cast.account, today=date(2026, 6, 14)) == 0
    assert agreements_warn(account=cast.account, today=date(2026, 6, 15)) == 1
    assert agreements_warn(account=cast.account, today=date(2026, 6, 16)) == 0  # once
    message = Message.objects.for_account(cast.account).get(kind="agreement_ending")
    assert message.to == cast.manager.user.email
    assert "Support" in message.subject and "July 15, 2026" in message.subject
    assert Activity.objects.for_account(cast.account).filter(verb="agreement.ending").count() == 1
    # Moved to a later end, it is warned of again when that comes near.
    agreement_update(agreement=agreement, actor=None, version=None, ends_on=date(2026, 7, 20))
    assert agreements_warn(account=cast.account, today=date(2026, 6, 20)) == 1


def test_the_command_queues_the_task_that_warns_every_account(cast, run_tasks):
    client = make_client(cast, prefix="BPM", manager=cast.manager.user)
    _make(client, starts_on=date(2026, 1, 1), ends_on=date(2026, 7, 1))
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        call_command("agreements_warn", verbosity=0)
        assert not Message.objects.for_account(cast.account).filter(kind="agreement_ending")
        run_tasks()
    message = Message.objects.for_account(cast.account).get(kind="agreement_ending")
    assert message.state == "sent" and "in 16 days" in message.body_text


@time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False)
def test_the_api_counts_split_each_client_s_own_contacts(cast):
    from tests.api.test_clients_api import Api

    whole = make_client(cast, prefix="WHO")
    per_user = make_client(cast, prefix="PER")
    for i in range(3):
        contact_create(client=whole, actor=None, first_name=f"W{i}")
    chosen = [contact_create(client=per_user, actor=None, first_name=f"U{i}") for i in range(3)]
    contact_create(client=per_user, actor=None, first_name="Gone", active=False)  # not counted
    _make(whole, kind="ayce_client")
    _make(per_user, kind="ayce_user", contacts=chosen[:1])
    body = Api(cast.viewer).get("/api/v1/clients", limit=50).json()
    counts = {
        c["id"]: (c["counts"]["contacts_in_agreement"], c["counts"]["contacts_out_of_agreement"])
        for c in body["items"]
    }
    assert counts[whole.pk] == (3, 0) and counts[per_user.pk] == (1, 2)


def test_the_demo_makes_agreements_in_every_state_but_upcoming(cast):
    from clientdesk.agreements.demo import demo_agreements_create

    clients = [make_client(cast, prefix=f"D{i}") for i in range(6)]
    for client in clients:
        contact_create(client=client, actor=None, first_name="Ann")
        contact_create(client=client, actor=None, first_name="Bob")
    made = demo_agreements_create(account=cast.account, seed=1)
    assert made == 8  # six current ones, and an expired year before two of them
    states = [a.state for a in Agreement.objects.for_account(cast.account)]
    assert states.count("current") == 6 and states.count("expired") == 2
    assert demo_agreements_create(account=cast.account, seed=1) == 0  # once
    kinds = {a.kind for a in Agreement.objects.for_account(cast.account)}
    assert kinds == {"ayce_client", "ayce_user", "hours_block", "fixed_fee"}
