"""Ticket numbers (DESIGN §4): the client's prefix and the account's format, per-client seq
from 1, unchanged by a prefix change, and never repeated however many are made at once."""

import os
import subprocess
import sys

import pytest

from clientdesk.clients.services import client_update
from clientdesk.core.services import account_update
from clientdesk.tickets.models import Ticket
from clientdesk.tickets.services import ticket_create
from tests.clients.factories import make_client
from tests.transfer.test_import_resume import _database_url


def test_numbers_follow_the_prefix_and_count_per_client(cast):
    bpm = make_client(cast, prefix="BPM")
    other = make_client(cast, prefix="ZED")
    made = [ticket_create(client=bpm, actor=cast.technician, title=f"T{i}") for i in range(3)]
    zed = ticket_create(client=other, actor=cast.technician, title="Z")
    assert [t.number for t in made] == ["BPM-001", "BPM-002", "BPM-003"]
    assert zed.number == "ZED-001"


def test_the_account_format_and_code(cast):
    account_update(
        account=cast.account,
        actor=cast.owner,
        ticket_number_format="{client}-{account}-{seq}",
        account_code="swe",
    )
    client = make_client(cast, prefix="BPM")
    assert ticket_create(client=client, actor=None, title="x").number == "BPM-SWE-001"


def test_a_format_without_the_client_is_refused(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        account_update(account=cast.account, actor=cast.owner, ticket_number_format="{seq}")
    assert "ticket_number_format" in caught.value.message_dict


def test_a_prefix_change_numbers_only_new_tickets(cast):
    client = make_client(cast, prefix="OLD")
    first = ticket_create(client=client, actor=None, title="before")
    client = client_update(client=client, actor=cast.manager, version=None, prefix="NEW")
    second = ticket_create(client=client, actor=None, title="after")
    first.refresh_from_db()
    assert (first.number, second.number) == ("OLD-001", "NEW-002")


def test_numbers_go_past_three_digits(cast):
    from clientdesk.tickets.models import TicketCounter

    client = make_client(cast, prefix="BIG")
    ticket_create(client=client, actor=None, title="first")
    TicketCounter.objects.filter(client=client).update(last_seq=1041)
    assert ticket_create(client=client, actor=None, title="x").number == "BIG-1042"


@pytest.mark.django_db(transaction=True)
def test_a_thousand_at_once_from_several_processes_never_repeat(cast):
    client = make_client(cast, prefix="RUSH")
    env = {**os.environ, "CLIENTDESK_DATABASE_URL": _database_url(), "CLIENTDESK_DEBUG": "1"}
    command = [sys.executable, "-m", "tests.tickets.ticket_maker", str(client.pk), "250"]
    makers = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(4)
    ]
    failed = 0
    for maker in makers:
        out, _err = maker.communicate(timeout=600)
        assert maker.returncode == 0
        failed += int(out.strip().rsplit("=", 1)[1])
    seqs = sorted(Ticket.objects.filter(client=client).values_list("seq", flat=True))
    numbers = set(Ticket.objects.filter(client=client).values_list("number", flat=True))
    assert failed == 0
    assert len(seqs) == 1000 and len(numbers) == 1000
    assert seqs == list(range(1, 1001)), "a gap or a repeat without a failed transaction"
