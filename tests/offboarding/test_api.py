"""GET|POST /api/v1/clients/{id}/offboarding, …/items/{item_id}, …/complete, …/cancel (DESIGN §7),
with real tokens: the shapes, the state changes, the portal cut-off, roles, 404s and refusals."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as HttpClient

from clientdesk.clients.models import Client
from clientdesk.integrations.services import api_token_create
from clientdesk.portal.models import PortalAccess
from tests.clients.factories import make_client

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def today():
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        yield


def api(membership) -> HttpClient:
    _t, raw = api_token_create(membership=membership, name="Test", actor=membership.user)
    return HttpClient(headers={"authorization": f"Bearer {raw}"})


def post(http, url, body=None):
    return http.post(url, json.dumps(body or {}), content_type="application/json")


def url(client, tail=""):
    return f"/api/v1/clients/{client.pk}/offboarding{tail}"


START = {"date": "2026-07-01", "reason": "moved_provider", "note": "Went to Initech"}


def test_the_whole_workflow_through_the_api(cast):
    access = cast.portal_a
    client = access.client
    http = api(cast.manager)
    assert http.get(url(client)).status_code == 404  # never off-boarded
    started = post(http, url(client), START)
    assert started.status_code == 201, started.content
    body = started.json()
    assert {k: body[k] for k in ("date", "reason", "note", "state")} == {
        "date": "2026-07-01",
        "reason": "moved_provider",
        "note": "Went to Initech",
        "state": "open",
    }
    assert body["progress"] == {"done": 0, "total": 6}
    assert body["items"][0] == {
        "id": body["items"][0]["id"],
        "title": "Revoke portal access",
        "done": False,
        "done_by": None,
        "done_at": None,
    }
    assert http.get(f"/api/v1/clients/{client.pk}").json()["status"] == "offboarding"

    item = body["items"][2]["id"]
    ticked = post(api(cast.technician), url(client, f"/items/{item}"), {"done": True})
    assert ticked.status_code == 200, ticked.content
    row = next(i for i in ticked.json()["items"] if i["id"] == item)
    assert row["done"] and row["done_by"] == cast.technician.user.email
    assert row["done_at"].startswith("2026-06-15T12:00:00")
    assert ticked.json()["progress"] == {"done": 1, "total": 6}

    done = post(http, url(client, "/complete"))
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "completed"
    after = Client.objects.get(pk=client.pk)
    assert (after.status, after.engagement) == ("inactive", "silent")
    assert PortalAccess.objects.get(pk=access.pk).active is False
    assert http.get(url(client)).json()["state"] == "completed"
    # A closed run refuses more, with a 409 that says why.
    again = post(http, url(client, "/cancel"))
    assert again.status_code == 409 and "completed" in again.json()["detail"]


def test_cancel_returns_to_active(cast):
    client = make_client(cast)
    http = api(cast.admin)
    assert post(http, url(client), START).status_code == 201
    answer = post(http, url(client, "/cancel"))
    assert answer.status_code == 200 and answer.json()["state"] == "cancelled"
    assert Client.objects.get(pk=client.pk).status == "active"


def test_refusals_name_the_rule(cast):
    client = make_client(cast, status="lead")
    http = api(cast.manager)
    lead = post(http, url(client), START)
    assert lead.status_code == 409 and "active or at-risk" in lead.json()["detail"]
    active = make_client(cast)
    bad = post(http, url(active), {"date": "2026-02-30", "reason": "bored"})
    assert bad.status_code == 422 and {"reason"} <= set(bad.json()["errors"])
    bad_day = post(http, url(active), {"date": "2026-02-30", "reason": "price"})
    assert bad_day.status_code == 422 and "date" in bad_day.json()["errors"]
    assert post(http, url(active), START).status_code == 201
    twice = post(http, url(active), START)
    assert twice.status_code == 409 and "already being off-boarded" in twice.json()["detail"]
    # The generic status change refuses to go around the workflow, naming it.
    moved = post(http, f"/api/v1/clients/{active.pk}/status", {"status": "inactive"})
    assert moved.status_code == 422 and "off-boarded" in moved.json()["errors"]["status"][0]
    other = make_client(cast)
    into = post(http, f"/api/v1/clients/{other.pk}/status", {"status": "offboarding"})
    assert into.status_code == 422 and "Start off-boarding" in into.json()["errors"]["status"][0]


def test_roles_and_scopes(cast):
    client = make_client(cast)
    assert post(api(cast.technician), url(client), START).status_code == 403
    assert post(api(cast.manager), url(client), START).status_code == 201
    item = api(cast.viewer).get(url(client)).json()["items"][0]["id"]
    assert post(api(cast.viewer), url(client, f"/items/{item}"), {"done": True}).status_code == 403
    assert post(api(cast.technician), url(client, "/complete")).status_code == 403
    # Another account's client and item are 404s, as missing ones.
    assert api(cast.outsider).get(url(client)).status_code == 404
    assert (
        post(api(cast.outsider), url(client, f"/items/{item}"), {"done": True}).status_code == 404
    )
    # An item of another client's run is a 404 under this client.
    other = make_client(cast)
    post(api(cast.manager), url(other), START)
    assert post(api(cast.manager), url(other, f"/items/{item}"), {"done": True}).status_code == 404
