import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.utils import timezone

from clientdesk.audit.models import Activity
from clientdesk.clients.derived import differences
from clientdesk.clients.models import Industry, ServicePeriod, StatusChange, StatusDayDelta
from clientdesk.clients.services import (
    StaleVersion,
    client_change_status,
    client_create,
    client_delete,
    client_set_archived,
    client_undelete,
    client_update,
)
from clientdesk.core.services import account_update
from tests.clients.factories import make_client


def change(client, to, cast, role="manager", **kw):
    member = cast.member(role)
    # History, past the workflows' holds (core.registry.status_guards).
    return client_change_status(client=client, actor=member, to_status=to, held=False, **kw)


def test_a_new_account_has_the_common_industries(cast):
    names = set(Industry.objects.filter(account=cast.account).values_list("name", flat=True))
    assert {"Automotive", "Healthcare", "Non-profit", "Other"} <= names and len(names) == 13


def test_creating_a_client_writes_its_first_history_row(cast):
    client = make_client(cast, prefix="bpm", name="  Blue Peak Media ", status="lead")
    assert (client.prefix, client.name, client.status) == ("BPM", "Blue Peak Media", "lead")
    [row] = StatusChange.objects.filter(client=client)
    assert (row.from_status, row.to_status) == (None, "lead")
    assert Activity.objects.filter(verb="client.created", target_id=str(client.pk)).exists()


@pytest.mark.parametrize(
    "prefix, message",
    [
        ("B", "2–10 characters"),
        ("BPM-1", "2–10 characters"),
        ("ABCDEFGHIJK", "10 characters"),
        ("", "2–10 characters"),
    ],
)
def test_a_bad_prefix_is_refused_naming_the_rule(cast, prefix, message):
    with pytest.raises(ValidationError) as exc:
        client_create(account=cast.account, actor=None, prefix=prefix, name="X")
    assert any(message in m for m in exc.value.message_dict["prefix"])


def test_prefix_is_unique_per_account_ignoring_case_and_free_in_another_account(cast):
    make_client(cast, prefix="BPM")
    with pytest.raises(ValidationError, match="already uses BPM"):
        make_client(cast, prefix="bpm")
    assert make_client(cast.other_account, prefix="BPM").prefix == "BPM"


def test_a_renamed_prefix_frees_the_old_one(cast):
    client = make_client(cast, prefix="OLD")
    client_update(client=client, actor=None, version=client.version, prefix="new")
    assert make_client(cast, prefix="OLD").prefix == "OLD"
    with pytest.raises(ValidationError, match="already uses NEW"):
        make_client(cast, prefix="New")


def test_an_empty_name_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        make_client(cast, name="   ")
    assert "name" in exc.value.message_dict


def test_a_refused_change_names_the_allowed_ones(cast):
    client = make_client(cast, status="lead")
    with pytest.raises(ValidationError) as exc:
        change(client, "offboarding", cast)
    assert exc.value.message_dict["status"] == [
        "A client that is Lead can move to: Prospect, Invited, Active, Inactive."
    ]
    assert StatusChange.objects.filter(client=client).count() == 1


def test_allowed_changes_are_recorded_with_who_why_and_when(cast):
    client = make_client(cast, status="active")
    client = change(client, "at_risk", cast, reason="Late payments")
    row = StatusChange.objects.filter(client=client).last()
    assert (row.from_status, row.to_status, row.reason, row.by) == (
        "active",
        "at_risk",
        "Late payments",
        cast.manager.user,
    )
    assert client.status == "at_risk" and client.version == 2


def test_managers_may_backdate_within_the_rules_technicians_may_not(cast):
    created = timezone.now() - timedelta(days=100)
    client = make_client(cast, status="lead", status_since=created)
    past = timezone.now() - timedelta(days=10)
    client = change(client, "active", cast, at=past)
    assert client.status_changed_at == past and client.activated_at == past
    with pytest.raises(ValidationError, match="Only managers and above"):
        change(client, "at_risk", cast, role="technician", at=past)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        change(client, "at_risk", cast, at=timezone.now() + timedelta(hours=1))
    with pytest.raises(ValidationError, match="before the client's previous status change"):
        change(client, "at_risk", cast, at=past - timedelta(days=1))


def test_the_derived_tables_follow_every_change_and_agree_with_a_rebuild(cast):
    t0 = datetime(2025, 1, 10, 12, tzinfo=UTC)
    a = make_client(cast, status="lead", status_since=t0)
    change(a, "active", cast, at=t0 + timedelta(days=3))
    change(a, "offboarding", cast, at=t0 + timedelta(days=40))
    change(a, "inactive", cast, at=t0 + timedelta(days=50))
    b = make_client(cast, status="active", status_since=t0 + timedelta(days=5))
    change(b, "at_risk", cast, at=t0 + timedelta(days=6))
    assert differences(cast.account) == {"deltas": 0, "intervals": 0, "periods": 0}
    [period] = ServicePeriod.objects.filter(client=a)
    assert (period.start_day.isoformat(), period.end_day.isoformat()) == (
        "2025-01-13",
        "2025-02-28",
    )
    net = {
        row.status: row.delta
        for row in StatusDayDelta.objects.filter(day=t0.date() + timedelta(days=3))
    }
    assert net == {"lead": -1, "active": 1}


def test_the_rebuild_command_repairs_drift_and_check_reports_it(cast, capsys):
    make_client(cast, status="active")
    StatusDayDelta.objects.filter(account=cast.account).update(delta=7)
    with pytest.raises(Exception, match="differ"):
        call_command("rebuildstatus", "--check", "--account", "acme")
    call_command("rebuildstatus", "--account", "acme")
    call_command("rebuildstatus", "--check", "--account", "acme")
    assert "acme: derived tables agree" in capsys.readouterr().out


def test_changing_the_time_zone_moves_the_days(cast, run_tasks):
    late = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)
    make_client(cast, status="active", status_since=late)
    assert StatusDayDelta.objects.get(status="active").day.isoformat() == "2025-03-01"
    account_update(account=cast.account, actor=None, time_zone="Europe/Madrid")
    run_tasks()
    assert StatusDayDelta.objects.get(status="active").day.isoformat() == "2025-03-02"


def test_a_tree_cycle_is_refused(cast):
    root = make_client(cast, prefix="ROOT")
    site = make_client(cast, prefix="SITE", parent=root)
    room = make_client(cast, prefix="ROOM", parent=site)
    for new_parent in (room, root):  # under its grandchild, under itself
        with pytest.raises(ValidationError, match="cannot sit under itself"):
            client_update(client=root, actor=None, version=None, parent=new_parent)
    assert client_update(client=room, actor=None, version=None, parent=root).parent == root


def test_a_stale_version_is_refused_with_the_current_values(cast):
    client = make_client(cast, name="First")
    client_update(client=client, actor=None, version=1, name="Second")
    with pytest.raises(StaleVersion) as exc:
        client_update(client=client, actor=None, version=1, name="Third")
    assert exc.value.current.name == "Second" and exc.value.current.version == 2


def test_delete_is_soft_and_undone_within_30_days(cast):
    client = make_client(cast)
    client_delete(client=client, actor=cast.owner.user)
    client.refresh_from_db()
    assert client.deleted_at is not None
    client_undelete(client=client, actor=cast.owner.user)
    client.refresh_from_db()
    assert client.deleted_at is None
    client_delete(client=client, actor=cast.owner.user)
    type(client).objects.filter(pk=client.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    with pytest.raises(ValidationError, match="more than 30 days"):
        client_undelete(client=client, actor=cast.owner.user)


def test_a_manager_outside_the_team_is_refused(cast):
    with pytest.raises(ValidationError, match="member of this account"):
        client_create(
            account=cast.account, actor=None, prefix="MGR", name="M", manager=cast.outsider.user
        )


def test_the_fast_tab_counts_agree_with_counting_every_client(cast):
    from clientdesk.clients.queries import (
        ClientFilters,
        _tab_counts_by_counting,
        _tab_counts_from_deltas,
    )
    from clientdesk.clients.services import client_set_archived

    statuses = ["lead", "prospect", "invited", "waiting", "active", "active", "lead"]
    clients = [make_client(cast, status=s) for s in statuses]
    change(clients[6], "inactive", cast)
    change(clients[4], "at_risk", cast)
    change(clients[5], "offboarding", cast)
    client_set_archived(client=clients[0], actor=None, archived=True)
    client_delete(client=clients[1], actor=None)
    client_set_archived(client=clients[2], actor=None, archived=True)
    client_delete(client=clients[2], actor=None)  # archived and deleted: in neither count
    slow = _tab_counts_by_counting(cast.owner, ClientFilters())
    assert _tab_counts_from_deltas(cast.owner) == slow
    assert slow == {
        "leads": 0,
        "onboarding": 1,
        "active": 1,
        "offboarding": 1,
        "inactive": 1,
        "archived": 1,
        "all": 4,
    }


def test_the_migration_takes_clients_already_set_aside_out_of_the_day_deltas(cast):
    """Databases from before the deltas left out archived and deleted clients: migration 0012
    takes those clients' history out (and backwards puts it back)."""
    step = importlib.import_module(
        "clientdesk.clients.migrations.0012_day_deltas_without_set_aside"
    )
    state = MigrationExecutor(connection).loader.project_state(
        ("clients", "0012_day_deltas_without_set_aside")
    )
    t0 = datetime(2025, 1, 10, 12, tzinfo=UTC)
    kept = make_client(cast, status="lead", status_since=t0)
    change(kept, "active", cast, at=t0 + timedelta(days=3))
    gone = make_client(cast, status="active", status_since=t0 + timedelta(days=1))
    change(gone, "at_risk", cast, at=t0 + timedelta(days=3))
    client_set_archived(client=gone, actor=None, archived=True)
    client_delete(client=make_client(cast, status="invited", status_since=t0), actor=cast.owner)
    agree = {"deltas": 0, "intervals": 0, "periods": 0}
    assert differences(cast.account) == agree

    step.put_back(state.apps, None)  # as the deltas were kept before
    assert differences(cast.account)["deltas"] > 0
    step.leave_out(state.apps, None)
    assert differences(cast.account) == agree
    now = StatusDayDelta.objects.filter(account=cast.account).aggregate(n=Sum("delta"))["n"]
    assert now == 1  # the one client left counted


def test_the_migration_gives_each_spell_the_last_day_of_the_next(cast):
    """Migration 0013 fills `next_end_day` of the service periods already written."""
    step = importlib.import_module("clientdesk.clients.migrations.0013_service_period_next_end_day")
    state = MigrationExecutor(connection).loader.project_state(
        ("clients", "0013_service_period_next_end_day")
    )
    t0 = datetime(2025, 1, 10, 12, tzinfo=UTC)
    back = make_client(cast, status="active", status_since=t0)
    for days, to in ((10, "offboarding"), (12, "inactive"), (20, "active")):
        change(back, to, cast, at=t0 + timedelta(days=days))
    for days, to in ((30, "offboarding"), (31, "inactive"), (40, "active")):
        change(back, to, cast, at=t0 + timedelta(days=days))
    make_client(cast, status="active", status_since=t0)
    assert ServicePeriod.objects.filter(client=back).count() == 3
    assert differences(cast.account) == {"deltas": 0, "intervals": 0, "periods": 0}
    ServicePeriod.objects.filter(account=cast.account).update(next_end_day=None)
    assert differences(cast.account)["periods"] == 2  # the first spell's row, stored and expected

    step.fill(state.apps, None)
    assert differences(cast.account) == {"deltas": 0, "intervals": 0, "periods": 0}
