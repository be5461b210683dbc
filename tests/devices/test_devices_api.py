"""The devices API of DESIGN §7, through HTTP with real tokens, and the counts per type."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientdesk.core.models import MembershipClient
from clientdesk.devices.models import Device
from clientdesk.devices.services import device_create
from tests.api.test_clients_api import Api, assert_refused
from tests.clients.factories import make_client


@pytest.fixture
def tech(cast):
    return Api(cast.technician)


@pytest.fixture
def bpm(cast):
    return make_client(cast, prefix="BPM", name="Blue Peak Media")


def devices_url(client):
    return f"/api/v1/clients/{client.pk}/devices"


def device_url(device):
    return f"/api/v1/devices/{device.pk if hasattr(device, 'pk') else device}"


def add(client, name="PC-01", **fields):
    return device_create(client=client, actor=None, name=name, **fields)


def names(response):
    assert response.status_code == 200, response.content
    return [d["name"] for d in response.json()["items"]]


def test_create_answers_201_with_the_whole_device(cast, tech, bpm):
    response = tech.post(
        devices_url(bpm),
        {
            "name": " FS-01 ",
            "type": "advanced",
            "os": "Windows Server 2022",
            "manufacturer": "Dell",
            "model": "PowerEdge R450",
            "serial": "SN-123",
            "ip": "10.0.0.5",
            "mac": "00-1a-2b-3c-4d-5e",
            "location": "Server room",
            "last_seen_at": "2026-12-01T10:00:00Z",
            "online": True,
            "notes": "Backups at night",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "client_id": bpm.pk,
        "name": "FS-01",
        "type": "advanced",
        "os": "Windows Server 2022",
        "manufacturer": "Dell",
        "model": "PowerEdge R450",
        "serial": "SN-123",
        "ip": "10.0.0.5",
        "mac": "00:1A:2B:3C:4D:5E",
        "location": "Server room",
        "last_seen_at": "2026-12-01T10:00:00Z",
        "online": True,
        "notes": "Backups at night",
        "custom_fields": {},
        "version": 1,
    }
    assert tech.get(device_url(body["id"])).json() == body


@pytest.mark.parametrize(
    ("field", "value"),
    [("mac", "00:1A:2B:3C:4D"), ("mac", "zz:zz:zz:zz:zz:zz"), ("ip", "10.0.0.300"), ("ip", "host")],
)
def test_a_bad_mac_or_ip_is_refused_on_its_field(tech, bpm, field, value):
    response = tech.post(devices_url(bpm), {"name": "PC", field: value})
    assert_refused(response, field)
    assert not Device.objects.filter(client=bpm).exists()


def test_a_serial_is_unique_within_the_client_only(cast, tech, bpm):
    add(bpm, "PC-01", serial="SN-1")
    message = assert_refused(
        tech.post(devices_url(bpm), {"name": "PC-02", "serial": "SN-1"}), "serial"
    )
    assert "SN-1" in message
    other = make_client(cast, prefix="OTH")
    assert tech.post(devices_url(other), {"name": "PC-02", "serial": "SN-1"}).status_code == 201
    # Two devices without a serial are fine.
    assert tech.post(devices_url(bpm), {"name": "PC-03"}).status_code == 201
    assert tech.post(devices_url(bpm), {"name": "PC-04"}).status_code == 201


def test_list_sorts_filters_and_pages(tech, bpm):
    add(bpm, "beta", type="passive", online=True)
    add(bpm, "Alpha", type="advanced")
    add(bpm, "gamma", serial="XYZ")
    assert names(tech.get(devices_url(bpm))) == ["Alpha", "beta", "gamma"]
    assert names(tech.get(devices_url(bpm), order="-name")) == ["gamma", "beta", "Alpha"]
    assert names(tech.get(devices_url(bpm), type="passive")) == ["beta"]
    assert names(tech.get(devices_url(bpm), online="true")) == ["beta"]
    assert names(tech.get(devices_url(bpm), q="xyz")) == ["gamma"]
    first = tech.get(devices_url(bpm), limit=2).json()
    assert [d["name"] for d in first["items"]] == ["Alpha", "beta"]
    assert names(tech.get(devices_url(bpm), limit=2, cursor=first["next"])) == ["gamma"]
    assert_refused(tech.get(devices_url(bpm), order="price"), "order")


def test_patch_changes_only_what_is_given_and_checks_the_version(tech, bpm):
    device = add(bpm, "PC-01", os="Windows 10")
    response = tech.patch(device_url(device), {"version": 1, "os": "Windows 11", "online": True})
    assert response.status_code == 200, response.content
    assert response.json()["os"] == "Windows 11"
    assert response.json()["name"] == "PC-01"
    assert response.json()["version"] == 2
    stale = tech.patch(device_url(device), {"version": 1, "name": "Other"})
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2
    assert_refused(tech.patch(device_url(device), {"version": 2, "mac": "nope"}), "mac")


def test_delete_is_soft_and_hides_the_device(tech, bpm):
    device = add(bpm, "PC-01", serial="SN-1")
    assert tech.delete(device_url(device)).status_code == 204
    assert tech.get(device_url(device)).status_code == 404
    assert names(tech.get(devices_url(bpm))) == []
    assert Device.objects.get(pk=device.pk).deleted_at is not None
    # Its serial is free again.
    assert tech.post(devices_url(bpm), {"name": "PC-01", "serial": "SN-1"}).status_code == 201


def test_a_viewer_reads_but_does_not_write(cast, bpm):
    device = add(bpm)
    viewer = Api(cast.viewer)
    assert viewer.get(device_url(device)).status_code == 200
    assert viewer.post(devices_url(bpm), {"name": "X"}).status_code == 403
    assert viewer.patch(device_url(device), {"version": 1, "name": "X"}).status_code == 403
    assert viewer.delete(device_url(device)).status_code == 403


def test_other_accounts_and_hidden_clients_get_404(cast, tech, bpm):
    device = add(bpm)
    outsider = Api(cast.outsider)
    assert outsider.get(device_url(device)).status_code == 404
    assert outsider.get(devices_url(bpm)).status_code == 404
    assert outsider.delete(device_url(device)).status_code == 404
    # A technician limited to another client: this one's devices are missing to them.
    other = make_client(cast, prefix="OTH")
    cast.technician.client_access = "allow"
    cast.technician.save()
    MembershipClient.objects.create(account=cast.account, membership=cast.technician, client=other)
    assert tech.get(device_url(device)).status_code == 404
    assert tech.get(devices_url(bpm)).status_code == 404
    assert tech.patch(device_url(device), {"version": 1, "name": "X"}).status_code == 404


# Counts -----------------------------------------------------------------------------------


def _tree(cast, depth: int):
    """A chain root → c1 → … → c<depth>, each with one device of each type plus (at odd
    levels) an extra advanced one."""
    chain = [make_client(cast, prefix="ROOT", name="Root")]
    for level in range(1, depth + 1):
        chain.append(make_client(cast, prefix=f"L{level:02d}", parent=chain[-1]))
    for level, client in enumerate(chain):
        for kind in ("standard", "advanced", "passive"):
            add(client, f"{kind}-{level}", type=kind)
        if level % 2:
            add(client, f"extra-{level}", type="advanced")
    return chain


def test_counts_per_type_roll_up_over_a_deep_tree(cast, tech):
    chain = _tree(cast, depth=6)
    # A deleted device counts nowhere.
    gone = add(chain[3], "gone", type="passive")
    tech.delete(device_url(gone))
    counts = tech.get(f"/api/v1/clients/{chain[0].pk}").json()["counts"]
    assert counts["devices"] == 3
    assert counts["device_types"] == {"standard": 1, "advanced": 1, "passive": 1}
    # 7 levels with three each, and an extra advanced at levels 1, 3 and 5.
    assert counts["devices_with_subclients"] == 24
    assert counts["device_types_with_subclients"] == {"standard": 7, "advanced": 10, "passive": 7}
    middle = tech.get(f"/api/v1/clients/{chain[4].pk}").json()["counts"]
    assert middle["device_types"] == {"standard": 1, "advanced": 1, "passive": 1}
    assert middle["device_types_with_subclients"] == {"standard": 3, "advanced": 4, "passive": 3}
    leaf = tech.get(f"/api/v1/clients/{chain[-1].pk}").json()["counts"]
    assert leaf["devices"] == leaf["devices_with_subclients"] == 3


def test_counts_cost_one_query_per_level_not_per_client(cast):
    from clientdesk.devices.queries import device_counts_by_client

    chain = _tree(cast, depth=5)
    siblings = [make_client(cast, prefix=f"S{i:02d}", parent=chain[2]) for i in range(10)]
    for s in siblings:
        add(s, "pc", type="passive")
    with CaptureQueriesContext(connection) as queries:
        found = device_counts_by_client(clients=chain, membership=cast.owner)
    # One for the clients' own counts, one per level below the shallowest (5), one empty.
    assert len(queries) <= 7, [q["sql"] for q in queries]
    assert found[chain[0].pk].with_subclients["passive"] == 6 + 10
    assert found[chain[2].pk].with_subclients["passive"] == 4 + 10


def test_a_hidden_sub_client_counts_nothing(cast, tech):
    chain = _tree(cast, depth=2)
    cast.technician.client_access = "deny"
    cast.technician.save()
    MembershipClient.objects.create(
        account=cast.account, membership=cast.technician, client=chain[1]
    )
    counts = tech.get(f"/api/v1/clients/{chain[0].pk}").json()["counts"]
    # The denied sub-client brings its subtree: only the root's own devices count.
    assert counts["devices_with_subclients"] == 3
