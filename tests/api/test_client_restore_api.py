"""POST /api/v1/clients/{id}/restore (owners, within 30 days) and PATCH `archived` (DESIGN §7),
through HTTP with real tokens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clientdesk.audit.models import Activity
from clientdesk.clients.models import Client
from tests.api.test_clients_api import Api, ids, url
from tests.clients.factories import make_client


@pytest.fixture
def owner(cast):
    return Api(cast.owner)


@pytest.fixture
def manager(cast):
    return Api(cast.manager)


# Restore ----------------------------------------------------------------------------------


def test_an_owner_restores_a_deleted_client_as_it_was(cast, owner, manager):
    client = make_client(cast, prefix="GONE", name="Gone Ltd", tags=["vip"])
    assert manager.delete(url(client)).status_code == 204
    assert manager.get(url(client)).status_code == 404
    assert owner.get(url(client)).status_code == 404  # a read of a deleted client stays 404

    response = owner.post(url(client, "/restore"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["prefix"], body["name"], body["status"]) == (
        client.pk,
        "GONE",
        "Gone Ltd",
        "active",
    )
    assert body["tags"] == ["vip"] and body["archived"] is False
    assert manager.get(url(client)).json()["version"] == body["version"]
    assert client.pk in ids(manager.get("/api/v1/clients"))
    assert Activity.objects.filter(verb="client.undeleted", target_id=str(client.pk)).exists()


def test_restoring_a_client_that_is_not_deleted_answers_it_unchanged(cast, owner):
    client = make_client(cast, prefix="LIVE")
    response = owner.post(url(client, "/restore"))
    assert response.status_code == 200 and response.json()["version"] == 1


@pytest.mark.parametrize("role", ["admin", "manager", "technician", "viewer"])
def test_only_owners_restore(cast, role):
    client = make_client(cast, prefix="GONE")
    Api(cast.owner).delete(url(client))
    response = Api(cast.member(role)).post(url(client, "/restore"))
    assert response.status_code == 403 and response.json()["detail"]
    client.refresh_from_db()
    assert client.deleted_at is not None


def test_restore_is_409_after_30_days(cast, owner):
    client = make_client(cast, prefix="OLD", name="Old Ltd")
    owner.delete(url(client))
    Client.objects.filter(pk=client.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    response = owner.post(url(client, "/restore"))
    assert response.status_code == 409
    body = response.json()
    assert "more than 30 days ago" in body["detail"] and body["errors"]["__all__"]
    assert owner.get(url(client)).status_code == 404


def test_restore_of_a_sub_client_is_409_while_its_parent_is_deleted(cast, owner):
    parent = make_client(cast, prefix="PAR")
    child = make_client(cast, prefix="KID", parent=parent)
    owner.delete(url(child))
    owner.delete(url(parent))
    response = owner.post(url(child, "/restore"))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Its parent client is deleted too: restore the parent first."
    )
    assert owner.post(url(parent, "/restore")).status_code == 200
    restored = owner.post(url(child, "/restore"))
    assert restored.status_code == 200 and restored.json()["parent_id"] == parent.pk


def test_a_new_client_cannot_take_a_deleted_clients_prefix(cast, owner, manager):
    client = make_client(cast, prefix="GONE")
    manager.delete(url(client))
    response = manager.post("/api/v1/clients", {"prefix": "gone", "name": "Newcomer"})
    assert response.status_code == 422
    assert response.json()["errors"]["prefix"] == [
        "A deleted client still holds GONE, so that it can be restored; choose another prefix."
    ]
    assert owner.post(url(client, "/restore")).status_code == 200


def test_restore_of_another_accounts_or_a_missing_client_is_404(cast, owner):
    theirs = make_client(cast.other_account, prefix="THEIRS")
    Api(cast.outsider).delete(url(theirs))
    assert owner.post(url(theirs, "/restore")).status_code == 404
    assert owner.post(url(999999, "/restore")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.deleted_at is not None


# PATCH archived ---------------------------------------------------------------------------


def test_patch_archives_and_unarchives_with_the_version_check(cast, manager):
    client = make_client(cast, prefix="ARC")
    archived = manager.patch(url(client), {"version": 1, "archived": True})
    assert archived.status_code == 200, archived.content
    body = archived.json()
    assert body["archived"] is True and body["version"] == 2
    assert client.pk not in ids(manager.get("/api/v1/clients"))
    assert client.pk in ids(manager.get("/api/v1/clients", archived="true"))

    stale = manager.patch(url(client), {"version": 1, "archived": False})
    assert stale.status_code == 409 and stale.json()["current"]["archived"] is True

    back = manager.patch(url(client), {"version": 2, "archived": False, "name": "Back"})
    assert back.status_code == 200
    assert (back.json()["archived"], back.json()["name"]) == (False, "Back")
    verbs = list(
        Activity.objects.filter(target_id=str(client.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs[-3:] == ["client.archived", "client.updated", "client.restored"]


def test_patch_archived_unchanged_records_nothing(cast, manager):
    client = make_client(cast, prefix="ARC")
    response = manager.patch(url(client), {"version": 1, "archived": False})
    assert response.status_code == 200 and response.json()["version"] == 1
    assert not Activity.objects.filter(verb="client.archived").exists()


@pytest.mark.parametrize("value", [None, "yes", 1])
def test_patch_archived_takes_only_true_or_false(cast, manager, value):
    client = make_client(cast, prefix="ARC")
    response = manager.patch(url(client), {"version": 1, "archived": value})
    assert response.status_code == 422 and response.json()["errors"]["archived"]


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_only_managers_and_above_archive(cast, role):
    client = make_client(cast, prefix="ARC")
    response = Api(cast.member(role)).patch(url(client), {"version": 1, "archived": True})
    assert response.status_code == 403
    client.refresh_from_db()
    assert not client.archived
