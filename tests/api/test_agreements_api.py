"""The agreements API of DESIGN §7, through HTTP with real tokens: create, read, the client
filter, edit with its version, the rules as 422s, money only for `money.read`, and scoping."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clientdesk.contacts.services import contact_create
from clientdesk.core.services import membership_set_client_access
from tests.api.test_clients_api import Api, assert_refused
from tests.clients.factories import make_client
from tests.factories import make_member

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def today():
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        yield


@pytest.fixture
def manager(cast):
    return Api(cast.manager)


@pytest.fixture
def bpm(cast):
    return make_client(cast, prefix="BPM", name="Blue Peak Media")


def _body(client, **fields):
    return {
        "client_id": client.pk,
        "name": "Managed desktops",
        "kind": "ayce_user",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "monthly_price": "450.50",
    } | fields


def test_create_read_and_list_an_agreement(cast, manager, bpm):
    ana = contact_create(client=bpm, actor=None, first_name="Ana")
    created = manager.post("/api/v1/agreements", _body(bpm, contact_ids=[ana.pk]))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body == {
        "id": body["id"],
        "client_id": bpm.pk,
        "name": "Managed desktops",
        "kind": "ayce_user",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "state": "current",
        "monthly_price": "450.50",
        "hours": None,
        "hours_used": None,
        "contact_ids": [ana.pk],
        "notes": "",
        "version": 1,
    }
    assert manager.get(f"/api/v1/agreements/{body['id']}").json() == body
    other = make_client(cast, prefix="OTH")
    manager.post("/api/v1/agreements", _body(other, kind="fixed_fee", ends_on="2026-03-01"))
    listed = manager.get("/api/v1/agreements", client=bpm.pk).json()
    assert [a["id"] for a in listed["items"]] == [body["id"]]
    states = {a["client_id"]: a["state"] for a in manager.get("/api/v1/agreements").json()["items"]}
    assert states == {bpm.pk: "current", other.pk: "expired"}


def test_a_block_of_hours_and_the_rules_as_422(manager, bpm):
    block = manager.post("/api/v1/agreements", _body(bpm, kind="hours_block", hours="20"))
    assert block.status_code == 201 and block.json()["hours"] == "20.00"
    assert block.json()["hours_used"] == "0.00"
    assert "before the start" in assert_refused(
        manager.post("/api/v1/agreements", _body(bpm, ends_on="2025-12-31")), "ends_on"
    )
    assert assert_refused(
        manager.post("/api/v1/agreements", _body(bpm, kind="hours_block")), "hours"
    )
    assert assert_refused(
        manager.post("/api/v1/agreements", _body(bpm, kind="fixed_fee", hours="3")), "hours"
    )
    # Money is a decimal string, never a float.
    assert manager.post("/api/v1/agreements", _body(bpm, monthly_price=450.5)).status_code == 422
    assert assert_refused(
        manager.post("/api/v1/agreements", _body(bpm, starts_on="2026-02-30")), "starts_on"
    )


def test_contacts_must_be_the_client_s_own(cast, manager, bpm):
    stranger = contact_create(client=make_client(cast, prefix="OTH"), actor=None, first_name="S")
    refused = manager.post("/api/v1/agreements", _body(bpm, contact_ids=[stranger.pk]))
    assert "not a contact of this client" in assert_refused(refused, "contact_ids")
    globex = make_client(cast.other_account, prefix="GLX")
    theirs = contact_create(client=globex, actor=None, first_name="G")
    refused = manager.post("/api/v1/agreements", _body(bpm, contact_ids=[theirs.pk]))
    assert assert_refused(refused, "contact_ids")


def test_patch_with_its_version(manager, bpm):
    made = manager.post("/api/v1/agreements", _body(bpm)).json()
    url = f"/api/v1/agreements/{made['id']}"
    changed = manager.patch(url, {"version": 1, "ends_on": "2027-06-30", "monthly_price": "500"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2 and changed.json()["monthly_price"] == "500.00"
    stale = manager.patch(url, {"version": 1, "name": "Again"})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    ended = manager.patch(url, {"version": 2, "ends_on": "2026-06-14"})
    assert ended.json()["state"] == "expired"


def test_technicians_see_no_prices_and_cannot_write(cast, manager, bpm):
    made = manager.post("/api/v1/agreements", _body(bpm)).json()
    tech = Api(cast.technician)
    assert tech.get(f"/api/v1/agreements/{made['id']}").json()["monthly_price"] is None
    assert tech.get("/api/v1/agreements").json()["items"][0]["monthly_price"] is None
    assert tech.post("/api/v1/agreements", _body(bpm)).status_code == 403
    url = f"/api/v1/agreements/{made['id']}"
    assert tech.patch(url, {"version": 1, "name": "x"}).status_code == 403


def test_other_accounts_and_hidden_clients_get_404(cast, manager, bpm):
    made = manager.post("/api/v1/agreements", _body(bpm)).json()
    url = f"/api/v1/agreements/{made['id']}"
    assert Api(cast.outsider).get(url).status_code == 404
    limited = make_member(cast.account, "manager")
    membership_set_client_access(actor=cast.owner, membership=limited, access="deny", clients=[bpm])
    api = Api(limited)
    assert api.get(url).status_code == 404
    assert api.patch(url, {"version": 1, "name": "x"}).status_code == 404
    assert api.get("/api/v1/agreements").json()["items"] == []
    assert api.post("/api/v1/agreements", _body(bpm)).status_code == 404


def test_ids_given_as_whole_floats_are_ids(manager, bpm):
    ana = contact_create(client=bpm, actor=None, first_name="Ana")
    made = manager.post("/api/v1/agreements", _body(bpm, contact_ids=[float(ana.pk)]))
    assert made.status_code == 201 and made.json()["contact_ids"] == [ana.pk]
    url = f"/api/v1/agreements/{made.json()['id']}"
    changed = manager.patch(url, {"version": 1, "contact_ids": [float(ana.pk), 1.5]})
    assert changed.status_code == 422


def test_a_deleted_contact_is_no_longer_covered(manager, bpm):
    from clientdesk.contacts.services import contact_delete

    ana = contact_create(client=bpm, actor=None, first_name="Ana")
    ben = contact_create(client=bpm, actor=None, first_name="Ben")
    made = manager.post("/api/v1/agreements", _body(bpm, contact_ids=[ana.pk, ben.pk])).json()
    contact_delete(contact=ben, actor=None)
    assert manager.get(f"/api/v1/agreements/{made['id']}").json()["contact_ids"] == [ana.pk]
    [row] = [c for c in manager.get("/api/v1/clients").json()["items"] if c["id"] == bpm.pk]
    assert row["counts"]["contacts_in_agreement"] == 1
    assert row["counts"]["contacts_out_of_agreement"] == 0
