"""The demo's off-boardings: every demo client off-boarding has its open checklist, part ticked
(the first one overdue); those that left through off-boarding have their completed run, dated
on the days of their history; the status history stays as the clients' story told it."""

import io

from django.core.management import call_command

from clientdesk.clients.derived import differences
from clientdesk.clients.models import Client, StatusChange
from clientdesk.core.models import Account, Membership
from clientdesk.offboarding import queries
from clientdesk.offboarding.models import Offboarding


def test_the_demo_offboards_some_clients_and_completed_others(db):
    call_command("demo", "--clients", "30", "--seed", "1", stdout=io.StringIO())
    account = Account.objects.get(slug="demo")
    leaving = Client.objects.filter(account=account, status="offboarding", deleted_at=None)
    assert leaving.exists()
    for client in leaving:
        run = queries.latest_of(client=client)
        assert run is not None and run.state == "open"
        assert 0 < run.done_count < run.total_count
    owner = Membership.objects.filter(account=account, role="owner").first()
    assert queries.overdue_offboardings(owner).count() >= 1
    completed = Offboarding.objects.filter(account=account, state="completed")
    assert completed.exists()
    for run in completed:
        assert run.client.status in ("inactive", "lead", "prospect", "invited", "active")
        assert run.done_count == run.total_count
        assert StatusChange.objects.filter(
            client=run.client, to_status="inactive", at=run.ended_at
        ).exists()
    assert differences(account) == {"deltas": 0, "intervals": 0, "periods": 0}
