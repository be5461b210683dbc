"""Archived and deleted clients are out of every metric: the day deltas leave them out (their
whole history taken out when a client is archived or deleted, put back when it is restored or
undeleted), on every path that archives or deletes (services, the API, a bulk action) and for a
status change or an import of an archived client. Checked against the plain recomputation from
the history (oracle.py) and against a rebuild of the derived tables after each step."""

import json
import random
from datetime import timedelta

from django.test import Client as HttpClient
from django.utils import timezone

from clientdesk.clients import derived
from clientdesk.clients.models import Client, StatusDayDelta
from clientdesk.clients.queries import ClientFilters, tab_counts
from clientdesk.clients.services import (
    client_change_status,
    client_delete,
    client_set_archived,
    client_undelete,
    clients_bulk,
)
from clientdesk.core.models import Membership
from clientdesk.core.services import membership_set_client_access
from clientdesk.insights import queries
from clientdesk.insights.metrics import local_today
from clientdesk.insights.status_tables import status_counts
from clientdesk.integrations.services import api_token_create
from clientdesk.transfer.services import import_file
from tests.clients.factories import make_client
from tests.insights import oracle
from tests.insights.test_metrics import check

AGREE = {"deltas": 0, "intervals": 0, "periods": 0}


def fresh(membership) -> Membership:
    """The membership as a new request reads it (the metrics keep what they read on it)."""
    return Membership.objects.get(pk=membership.pk)


def agree(cast, rng: random.Random) -> dict:
    """The derived tables equal a rebuild; the metrics, today's status counts and the Clients
    page's tabs equal the oracle's. Answers the oracle's history."""
    assert derived.differences(cast.account) == AGREE
    history = oracle.status_days(cast.account)
    owner = fresh(cast.owner)
    check(owner, history, rng)
    today = local_today(cast.account)
    [(_, now)] = oracle.evolution(history, today, today)
    assert status_counts(owner) == now
    tabs = tab_counts(membership=owner, filters=ClientFilters())
    assert tabs["all"] == sum(now.values())
    assert tabs["active"] == now["active"] + now["at_risk"]
    archived = Client.objects.filter(account=cast.account, archived=True, deleted_at=None)
    assert tabs["archived"] == archived.count()
    return history


def year(cast):
    today = local_today(cast.account)
    return queries.evolution(fresh(cast.owner), today - timedelta(days=364), today).days


def test_archive_delete_restore_and_undelete_take_a_client_out_of_the_metrics_and_back(cast):
    cast.account.time_zone = "America/Los_Angeles"
    cast.account.save(update_fields=["time_zone"])
    oracle.generate(cast.account, clients=24, seed=5)
    rng = random.Random(5)
    history = agree(cast, rng)
    # The client with the longest back-dated history, and another one still counted.
    subject_pk, other_pk = sorted(history, key=lambda pk: -len(history[pk]))[:2]
    subject = Client.objects.get(pk=subject_pk)
    before = year(cast)

    subject = client_set_archived(client=subject, actor=None, archived=True)
    assert subject_pk not in agree(cast, rng)
    assert year(cast) != before
    subject = client_delete(client=subject, actor=cast.owner)  # deleted while archived
    assert subject_pk not in agree(cast, rng)
    subject = client_set_archived(client=subject, actor=None, archived=False)  # still deleted
    assert subject_pk not in agree(cast, rng)
    subject = client_undelete(client=subject, actor=cast.owner)
    assert subject_pk in agree(cast, rng)
    assert year(cast) == before

    other = client_delete(client=Client.objects.get(pk=other_pk), actor=cast.owner)
    assert other_pk not in agree(cast, rng)
    client_undelete(client=other, actor=cast.owner)
    assert other_pk in agree(cast, rng)
    assert year(cast) == before


def test_a_deny_list_with_archived_clients_is_not_subtracted_twice(cast):
    oracle.generate(cast.account, clients=30, seed=9)
    live = list(Client.objects.filter(account=cast.account, deleted_at=None).order_by("pk"))
    archived = [c for c in live if c.archived]
    assert archived
    denied = [*archived, *[c for c in live if not c.archived][::4]]
    membership_set_client_access(
        actor=cast.owner, membership=cast.viewer, access="deny", clients=denied
    )
    seen = {c.pk for c in live} - {c.pk for c in denied}
    check(cast.viewer, oracle.status_days(cast.account, client_ids=seen), random.Random(10))


def test_a_status_change_of_an_archived_client_writes_no_delta_until_it_is_restored(cast):
    now = timezone.now()
    client = make_client(cast, status="active", status_since=now - timedelta(days=100))
    make_client(cast, status="active", status_since=now - timedelta(days=50))
    client = client_set_archived(client=client, actor=None, archived=True)
    deltas = derived.stored_tables(cast.account)["deltas"]
    rng = random.Random(1)

    client = client_change_status(
        client=client, actor=None, to_status="at_risk", at=now - timedelta(days=10)
    )
    assert derived.stored_tables(cast.account)["deltas"] == deltas
    agree(cast, rng)
    day = local_today(cast.account) - timedelta(days=5)
    assert queries.drill_down_count(fresh(cast.owner), "at_risk", day) == 0

    client_set_archived(client=client, actor=None, archived=False)
    agree(cast, rng)
    assert queries.drill_down_count(fresh(cast.owner), "at_risk", day) == 1
    assert queries.drill_down_count(fresh(cast.owner), "active", day) == 1


def test_the_api_a_bulk_action_and_an_import_keep_the_deltas_too(cast, tmp_path):
    now = timezone.now()
    a = make_client(cast, prefix="APIA", status="lead", status_since=now - timedelta(days=90))
    a = client_change_status(client=a, actor=None, to_status="active", at=now - timedelta(days=60))
    b = make_client(cast, prefix="BULK", status="active", status_since=now - timedelta(days=80))
    c = make_client(cast, prefix="MOVE", status="active", status_since=now - timedelta(days=70))
    rng = random.Random(2)
    agree(cast, rng)

    _t, raw = api_token_create(membership=cast.manager, name="Test", actor=cast.manager.user)
    http = HttpClient(headers={"authorization": f"Bearer {raw}"})
    response = http.patch(
        f"/api/v1/clients/{a.pk}",
        json.dumps({"version": a.version, "archived": True}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert a.pk not in agree(cast, rng)
    response = http.patch(
        f"/api/v1/clients/{a.pk}",
        json.dumps({"version": response.json()["version"], "archived": False}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert a.pk in agree(cast, rng)

    clients_bulk(account=cast.account, actor=cast.manager, clients=[b, c], action="archive")
    history = agree(cast, rng)
    assert b.pk not in history and c.pk not in history

    # An import moves the archived client along: its history grows, the deltas do not.
    deltas = set(StatusDayDelta.objects.filter(account=cast.account).values_list())
    path = tmp_path / "move.csv"
    path.write_bytes(b"Prefix,Status\nMOVE,at risk\n")
    job = import_file(account=cast.account, membership=cast.manager, kind="clients", path=str(path))
    assert job.counts["updated"] == 1, job.counts
    assert Client.objects.get(pk=c.pk).status == "at_risk"
    assert set(StatusDayDelta.objects.filter(account=cast.account).values_list()) == deltas
    agree(cast, rng)
    client_set_archived(client=Client.objects.get(pk=c.pk), actor=None, archived=False)
    assert c.pk in agree(cast, rng)
    today = local_today(cast.account)
    assert queries.drill_down_count(fresh(cast.owner), "at_risk", today) == 1
