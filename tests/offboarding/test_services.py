"""The off-boarding workflow (issue 15 item 4): the state changes, the status history with the
reason, the portal cut-off on completion, the guard on the generic status change, win back,
the overdue flag and the checklist template."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from clientdesk.audit.models import Activity
from clientdesk.clients.models import Client, StatusChange
from clientdesk.clients.services import client_change_status
from clientdesk.contacts.services import contact_create
from clientdesk.offboarding import queries
from clientdesk.offboarding.models import DEFAULT_ITEMS, Offboarding, OffboardingItem
from clientdesk.offboarding.services import (
    Conflict,
    checklist_save,
    client_win_back,
    offboarding_cancel,
    offboarding_complete,
    offboarding_item_set,
    offboarding_start,
)
from clientdesk.portal.models import PortalAccess, PortalInvitation
from clientdesk.portal.services import portal_invite
from tests.clients.factories import make_client

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def today():
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        yield


def start(cast, client, **fields):
    values = {"on": date(2026, 7, 1), "reason": "price", "note": "Found it cheaper"} | fields
    return offboarding_start(client=client, actor=cast.manager, **values)


def status_of(client) -> str:
    return Client.objects.get(pk=client.pk).status


def test_starting_moves_the_client_and_copies_the_default_checklist(cast):
    client = make_client(cast, status="active")
    run = start(cast, client)
    assert status_of(client) == "offboarding"
    assert [i.title for i in queries.items_of(run)] == [str(t) for t in DEFAULT_ITEMS]
    assert (run.state, run.done_count, run.total_count) == ("open", 0, 6)
    assert run.started_by == cast.manager.user
    last = StatusChange.objects.filter(client=client).order_by("-at", "-id").first()
    assert (last.from_status, last.to_status) == ("active", "offboarding")
    assert "Price" in last.reason and "Found it cheaper" in last.reason
    verbs = list(Activity.objects.filter(target_id=str(client.pk)).values_list("verb", flat=True))
    assert "client.offboarding_started" in verbs and "client.status_changed" in verbs


def test_only_active_or_at_risk_clients_start_and_only_once(cast):
    at_risk = make_client(cast, status="active")
    client_change_status(client=at_risk, actor=cast.manager, to_status="at_risk")
    start(cast, at_risk)
    assert status_of(at_risk) == "offboarding"
    with pytest.raises(Conflict, match="already being off-boarded"):
        start(cast, at_risk)
    lead = make_client(cast, status="lead")
    with pytest.raises(Conflict, match="Only an active or at-risk client"):
        start(cast, lead)
    assert status_of(lead) == "lead"
    assert not Offboarding.objects.filter(client=lead).exists()


def test_bad_input_names_the_fields_and_writes_nothing(cast):
    client = make_client(cast)
    with pytest.raises(ValidationError) as caught:
        start(cast, client, on=None, reason="bored", note="x" * 2001)
    assert set(caught.value.message_dict) == {"date", "reason", "note"}
    assert status_of(client) == "active"
    assert not Offboarding.objects.filter(client=client).exists()


def test_ticking_records_who_and_when_and_the_progress(cast):
    client = make_client(cast)
    run = start(cast, client)
    first, second = queries.items_of(run)[:2]
    offboarding_item_set(item=first, actor=cast.technician, done=True)
    offboarding_item_set(item=second, actor=cast.manager, done=True)
    offboarding_item_set(item=second, actor=cast.manager, done=False)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.done and first.done_by == cast.technician.user
    assert first.done_at == datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC"))
    assert not second.done and second.done_by is None and second.done_at is None
    run.refresh_from_db()
    assert (run.done_count, run.total_count) == (1, 6)
    verbs = list(Activity.objects.filter(target_id=str(client.pk)).values_list("verb", flat=True))
    assert verbs.count("client.offboarding_item_done") == 2
    assert verbs.count("client.offboarding_item_reopened") == 1


def test_completing_makes_the_client_inactive_and_closes_its_portal_keeping_records(cast):
    access = cast.portal_a  # Ada, a portal user of Alpha Corp
    client = access.client
    other = contact_create(client=client, actor=None, first_name="Eve", email="eve@alpha.example")
    invitation = portal_invite(client=client, actor=cast.manager, contact=other)
    assert Client.objects.get(pk=client.pk).engagement == "engaged"
    run = start(cast, client)
    offboarding_item_set(item=queries.items_of(run)[0], actor=cast.manager, done=True)
    offboarding_complete(offboarding=run, actor=cast.manager)
    client.refresh_from_db()
    run.refresh_from_db()
    assert (client.status, client.engagement) == ("inactive", "silent")
    assert (run.state, run.ended_by) == ("completed", cast.manager.user)
    access.refresh_from_db()
    invitation.refresh_from_db()
    assert access.active is False and access.revoked_at is not None
    assert invitation.revoked_at is not None
    # Nothing is deleted: the contacts, the portal rows, the run and its items stay.
    assert client.contacts.count() == 2
    assert PortalAccess.objects.filter(pk=access.pk).exists()
    assert PortalInvitation.objects.filter(pk=invitation.pk).exists()
    assert OffboardingItem.objects.filter(offboarding=run).count() == 6
    with pytest.raises(Conflict, match="completed"):
        offboarding_item_set(item=queries.items_of(run)[1], actor=cast.manager, done=True)
    with pytest.raises(Conflict):
        offboarding_cancel(offboarding=run, actor=cast.manager)


def test_cancelling_returns_the_client_to_active_and_keeps_the_run(cast):
    client = make_client(cast)
    run = start(cast, client)
    offboarding_item_set(item=queries.items_of(run)[0], actor=cast.manager, done=True)
    offboarding_cancel(offboarding=run, actor=cast.manager)
    run.refresh_from_db()
    assert status_of(client) == "active"
    assert (run.state, run.done_count) == ("cancelled", 1)
    # And it may be off-boarded again later, with a fresh checklist.
    again = start(cast, client)
    assert again.pk != run.pk and again.done_count == 0
    assert queries.latest_of(client=client).pk == again.pk


def test_the_generic_status_change_cannot_go_around_the_workflow(cast):
    client = make_client(cast)
    with pytest.raises(ValidationError, match="Start off-boarding"):
        client_change_status(client=client, actor=cast.manager, to_status="offboarding")
    start(cast, client)
    for target in ("active", "inactive"):
        with pytest.raises(ValidationError, match="being off-boarded"):
            client_change_status(client=client, actor=cast.manager, to_status=target)
    assert status_of(client) == "offboarding"


def test_a_client_brought_in_as_offboarding_gets_its_checklist_and_keeps_its_status(cast):
    client = make_client(cast)
    # The system (an import, the demo) may place a client there without a run.
    client_change_status(client=client, actor=None, to_status="offboarding")
    assert queries.latest_of(client=client) is None
    run = start(cast, client)
    assert status_of(client) == "offboarding" and run.state == "open"
    assert StatusChange.objects.filter(client=client, to_status="offboarding").count() == 1
    offboarding_complete(offboarding=run, actor=cast.manager)
    assert status_of(client) == "inactive"


def test_win_back_brings_an_inactive_client_back_with_its_history(cast):
    client = make_client(cast)
    run = start(cast, client)
    offboarding_complete(offboarding=run, actor=cast.manager)
    with pytest.raises(ValidationError, match="Win a client back as one of"):
        client_win_back(client=client, actor=cast.manager, to_status="waiting")
    client_win_back(client=client, actor=cast.manager, to_status="prospect", reason="New owner")
    assert status_of(client) == "prospect"
    history = list(
        StatusChange.objects.filter(client=client)
        .order_by("at", "id")
        .values_list("to_status", "reason")
    )
    assert [s for s, _ in history] == ["active", "offboarding", "inactive", "prospect"]
    assert history[-1][1] == "New owner"
    assert Offboarding.objects.filter(client=client, state="completed").count() == 1
    with pytest.raises(Conflict, match="Only an inactive client"):
        client_win_back(client=client, actor=cast.manager, to_status="active")


def test_past_the_date_with_items_open_the_run_is_overdue(cast):
    late = make_client(cast, name="Late Ltd")
    done = make_client(cast, name="Done Ltd")
    later = make_client(cast, name="Later Ltd")
    late_run = start(cast, late, on=date(2026, 6, 14))
    done_run = start(cast, done, on=date(2026, 6, 1))
    start(cast, later, on=date(2026, 6, 20))
    for item in queries.items_of(done_run):
        offboarding_item_set(item=item, actor=cast.manager, done=True)
    assert [r.client.name for r in queries.overdue_offboardings(cast.manager)] == ["Late Ltd"]
    assert [r.client.name for r in queries.due_soon(cast.manager, days=7)] == [
        "Done Ltd",
        "Late Ltd",
        "Later Ltd",
    ]
    assert queries.is_overdue(late_run, date(2026, 6, 15))
    assert not queries.is_overdue(late_run, date(2026, 6, 14))  # the date itself is not past
    # Other accounts see none of them.
    assert list(queries.overdue_offboardings(cast.outsider)) == []


def test_the_account_template_is_copied_by_new_runs_only(cast):
    client = make_client(cast)
    old = start(cast, client)
    checklist_save(account=cast.account, actor=cast.manager, titles=["Wipe laptops", " ", "Bye"])
    assert queries.template_titles(cast.account) == ["Wipe laptops", "Bye"]
    assert len(queries.items_of(old)) == 6  # an open run keeps its own list
    other = make_client(cast)
    assert [i.title for i in queries.items_of(start(cast, other))] == ["Wipe laptops", "Bye"]
    with pytest.raises(ValidationError, match="at least one item"):
        checklist_save(account=cast.account, actor=cast.manager, titles=["  "])
    assert queries.template_titles(cast.other_account) == [str(t) for t in DEFAULT_ITEMS]
    assert Activity.objects.filter(verb="offboarding.checklist_changed").count() == 1
