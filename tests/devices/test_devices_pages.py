"""The Devices tab (the table machinery, add and edit, bulk), the device page and its RMM link,
Settings › Devices, the details panel's Device counts, the global search and the portal."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientdesk.core.models import ListPreference
from clientdesk.core.services import membership_set_client_access
from clientdesk.devices.models import Device
from clientdesk.devices.services import device_create, device_settings_update
from clientdesk.devices.views import COLUMNS
from tests.clients.factories import make_client
from tests.security.test_csp import assert_strict


def web(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def tab(client, rest: str = "") -> str:
    return f"/a/acme/clients/{client.pk}/devices/{rest}"


def names(response) -> list[str]:
    ids = [int(pk) for pk in re.findall(r'<tr data-device="(\d+)"', response.text)]
    found = {d.pk: d.name for d in Device.objects.filter(pk__in=ids)}
    return [found[pk] for pk in ids]


def add(client, name, **fields) -> Device:
    return device_create(client=client, actor=None, name=name, **fields)


@pytest.fixture
def harbour(cast):
    return make_client(cast, prefix="HBR", name="Harbour Dental")


@pytest.fixture
def fleet(harbour):
    return {
        "fs": add(harbour, "FS-01", type="advanced", serial="SN-FS", ip="10.0.0.2", online=True),
        "pc": add(harbour, "pc-reception", serial="SN-PC", os="Windows 11"),
        "prn": add(harbour, "Printer", type="passive", mac="aabbccddeeff"),
    }


def test_the_tab_lists_sorts_and_filters_the_clients_devices(cast, harbour, fleet):
    other = make_client(cast, prefix="OTH")
    add(other, "Elsewhere")
    viewer = web(cast.viewer)
    response = viewer.get(tab(harbour))
    assert response.status_code == 200
    assert names(response) == ["FS-01", "pc-reception", "Printer"]
    assert f'<a href="{tab(harbour)}" id="tab-devices" aria-current="page">' in response.text
    assert names(viewer.get(tab(harbour), {"sort": "-name"})) == [
        "Printer",
        "pc-reception",
        "FS-01",
    ]
    assert names(viewer.get(tab(harbour), {"sort": "type"})) == [
        "FS-01",
        "Printer",
        "pc-reception",
    ]
    assert names(viewer.get(tab(harbour), {"type": "passive"})) == ["Printer"]
    assert names(viewer.get(tab(harbour), {"online": "yes"})) == ["FS-01"]
    assert names(viewer.get(tab(harbour), {"q": "aa:bb"})) == ["Printer"]
    # A viewer sees no write controls.
    assert "Add device" not in response.text and "bulk-form" not in response.text


@pytest.mark.parametrize("sort", list(COLUMNS))
def test_every_column_sorts_both_ways(cast, harbour, fleet, sort):
    viewer = web(cast.viewer)
    up, down = (names(viewer.get(tab(harbour), {"sort": s})) for s in (sort, f"-{sort}"))
    assert sorted(up) == sorted(down) == sorted(["FS-01", "pc-reception", "Printer"])
    assert len(set(up)) == 3


def test_the_column_chooser_is_remembered_for_devices(cast, harbour, fleet):
    viewer = web(cast.viewer)
    response = viewer.post(
        tab(harbour, "columns/"), {"columns": ["mac", "location"], "page_size": 25}
    )
    assert response.status_code == 302
    pref = ListPreference.objects.get(user=cast.viewer.user, list_name="devices")
    assert pref.columns == ["name", "mac", "location"]
    after = viewer.get(tab(harbour))
    assert re.findall(r'<th scope="col" class="col-(\w+)', after.text) == [
        "name",
        "mac",
        "location",
    ]
    assert "AA:BB:CC:DD:EE:FF" in after.text


def test_adding_a_device_and_a_refused_one(cast, harbour, fleet):
    tech = web(cast.technician)
    response = tech.post(
        tab(harbour, "new/"),
        {"name": "NAS", "type": "advanced", "serial": "SN-NAS", "ip": "10.0.0.9", "mac": ""},
    )
    assert response.status_code == 302
    nas = Device.objects.get(name="NAS")
    assert (nas.type, nas.serial, nas.ip, nas.client_id) == (
        "advanced",
        "SN-NAS",
        "10.0.0.9",
        harbour.pk,
    )
    refused = tech.post(
        tab(harbour, "new/"), {"name": "Dup", "type": "standard", "serial": "SN-PC"}
    )
    assert refused.status_code == 400
    assert "Another device of this client has the serial SN-PC." in refused.text
    bad_ip = tech.post(tab(harbour, "new/"), {"name": "Dup", "type": "standard", "ip": "1.2.3"})
    assert bad_ip.status_code == 400 and "Enter an IPv4 or IPv6 address" in bad_ip.text
    assert not Device.objects.filter(name="Dup").exists()


def test_editing_a_device_and_a_stale_edit(cast, harbour, fleet):
    tech, pc = web(cast.technician), fleet["pc"]
    dialog = tech.get(tab(harbour, f"{pc.pk}/edit/"), headers={"HX-Request": "true"})
    assert 'id="device-edit-dialog"' in dialog.text and "pc-reception" in dialog.text
    form = {
        "name": "PC-RECEPTION",
        "type": "standard",
        "version": pc.version,
        "location": "Front desk",
    }
    assert tech.post(tab(harbour, f"{pc.pk}/edit/"), form).status_code == 302
    pc.refresh_from_db()
    assert (pc.name, pc.location, pc.version) == ("PC-RECEPTION", "Front desk", 2)
    stale = tech.post(tab(harbour, f"{pc.pk}/edit/"), form | {"name": "Late"})
    assert stale.status_code == 409 and "Someone else saved this device" in stale.text


def test_bulk_type_and_delete_stay_within_the_client(cast, harbour, fleet):
    other = make_client(cast, prefix="OTH")
    outsider = add(other, "Outsider")
    tech = web(cast.technician)
    ids = [fleet["pc"].pk, fleet["prn"].pk, outsider.pk]
    tech.post(tab(harbour, "bulk/"), {"ids": ids, "action": "type", "type": "advanced"})
    assert set(Device.objects.filter(type="advanced").values_list("name", flat=True)) == {
        "FS-01",
        "pc-reception",
        "Printer",
    }
    tech.post(tab(harbour, "bulk/"), {"ids": ids, "action": "delete"})
    assert names(tech.get(tab(harbour))) == ["FS-01"]
    outsider.refresh_from_db()
    assert outsider.deleted_at is None and outsider.type == "standard"


def test_viewers_cannot_write_and_hidden_clients_are_404(cast, harbour, fleet):
    viewer = web(cast.viewer)
    assert viewer.post(tab(harbour, "new/"), {"name": "X", "type": "standard"}).status_code == 403
    assert viewer.post(tab(harbour, f"{fleet['pc'].pk}/delete/")).status_code == 403
    membership_set_client_access(
        actor=cast.owner, membership=cast.viewer, access="deny", clients=[harbour]
    )
    assert viewer.get(tab(harbour)).status_code == 404
    assert viewer.get(tab(harbour, f"{fleet['pc'].pk}/")).status_code == 404
    # Another client's device under this client's address: 404 as well.
    other = make_client(cast, prefix="OTH")
    assert web(cast.owner).get(tab(other, f"{fleet['pc'].pk}/")).status_code == 404


def test_the_tab_costs_the_same_queries_for_3_and_30_devices(cast, harbour, fleet):
    ListPreference.objects.create(
        account=cast.account, user=cast.technician.user, list_name="devices", columns=list(COLUMNS)
    )
    tech = web(cast.technician)
    tech.get(tab(harbour))
    with CaptureQueriesContext(connection) as few:
        assert len(names(tech.get(tab(harbour), {"size": 50}))) == 3
    for i in range(27):
        add(harbour, f"D{i:02d}", serial=f"S{i}")
    with CaptureQueriesContext(connection) as many:
        assert len(names(tech.get(tab(harbour), {"size": 50}))) == 30
    assert len(many) == len(few)


def test_the_device_page_shows_details_history_and_the_rmm_link(cast, harbour, fleet):
    fs = fleet["fs"]
    owner = web(cast.owner)
    page = owner.get(tab(harbour, f"{fs.pk}/"))
    assert page.status_code == 200
    assert "SN-FS" in page.text and "10.0.0.2" in page.text
    assert "Open in RMM" not in page.text  # no pattern set yet
    owner.post(tab(harbour, f"{fs.pk}/edit/"), {"name": "FS-01", "type": "advanced", "version": 1, "serial": "SN-FS", "ip": "10.0.0.3", "online": "on"})  # fmt: skip
    response = owner.post(
        "/a/acme/settings/devices/",
        {
            "label_standard": "Workstation",
            "label_advanced": "Server",
            "label_passive": "",
            "rmm_url_pattern": "https://rmm.example.com/device?sn={serial}",
        },
    )
    assert response.status_code == 302
    page = owner.get(tab(harbour, f"{fs.pk}/"))
    assert 'href="https://rmm.example.com/device?sn=SN-FS"' in page.text
    assert ">Server</span>" in page.text
    # The history says who changed what.
    assert "10.0.0.3" in page.text
    # The type names follow the account's settings in the tab too.
    assert "Workstation" in owner.get(tab(harbour)).text


def test_device_settings_refuse_a_pattern_without_placeholder_and_need_an_admin(cast):
    owner = web(cast.owner)
    form = {"rmm_url_pattern": "https://rmm.example.com/x"}
    refused = owner.post("/a/acme/settings/devices/", form)
    assert refused.status_code == 400 and "{serial} or {name}" in refused.text
    assert web(cast.manager).get("/a/acme/settings/devices/").status_code == 403


def test_the_details_panel_counts_devices_per_type_with_sub_clients(cast, harbour, fleet):
    site = make_client(cast, prefix="HBR2", name="Harbour North", parent=harbour)
    deeper = make_client(cast, prefix="HBR3", name="Harbour Lab", parent=site)
    add(site, "Site PC")
    add(deeper, "Lab server", type="advanced")
    device_settings_update(
        account=cast.account, actor=None, type_labels={"advanced": "Server"}, rmm_url_pattern=""
    )
    page = web(cast.viewer).get(f"/a/acme/clients/{harbour.pk}/")
    rows = {label: (own, subs) for label, own, subs, _ in page.context["device_rows"]}
    assert rows == {
        "Standard": (1, 2),
        "Server": (1, 2),
        "Passive": (1, 1),
        "All devices": (3, 5),
    }
    assert "Device counts" in page.text


def test_the_global_search_finds_a_device_by_serial(cast, harbour, fleet):
    hidden = make_client(cast, prefix="HID", name="Hidden Ltd")
    add(hidden, "Hidden box", serial="SN-HIDDEN")
    membership_set_client_access(
        actor=cast.owner, membership=cast.viewer, access="deny", clients=[hidden]
    )
    response = web(cast.viewer).get("/a/acme/clients/", {"q": "SN-"})
    block = response.text.split('class="card contacts-matching devices-matching"')[1].split(
        "</section>"
    )[0]
    assert f'href="{tab(harbour, str(fleet["fs"].pk) + "/")}">FS-01</a>' in block
    assert "Hidden" not in block


def test_the_portal_lists_its_clients_devices_read_only(cast, fleet):
    from tests.portal.test_portal_pages import build_portal_cast

    build_portal_cast(cast)
    a = cast.portal_a.client
    add(a, "Alpha laptop", serial="AL-1")
    portal = Client()
    portal.force_login(cast.portal_a.user)
    page = portal.get("/portal/devices/")
    assert page.status_code == 200
    assert "Alpha laptop" in page.text and "FS-01" not in page.text
    assert "<form" not in page.text.split('id="portal-devices"')[1]


def test_the_pages_are_strict_csp(cast, harbour, fleet):
    tech = web(cast.technician)
    for response in (
        tech.get(tab(harbour)),
        tech.get(tab(harbour, f"{fleet['pc'].pk}/")),
        tech.get(tab(harbour, f"{fleet['pc'].pk}/edit/"), headers={"HX-Request": "true"}),
        tech.post(tab(harbour, "new/"), {"name": ""}),
        web(cast.owner).get("/a/acme/settings/devices/"),
    ):
        assert_strict(response)


def test_the_demo_gives_working_clients_devices_dated_after_their_client(db):
    import io

    from django.core.management import call_command

    from clientdesk.core.models import Account

    out = io.StringIO()
    call_command("demo", stdout=out)
    account = Account.objects.get(slug="demo")
    devices = Device.objects.filter(account=account).select_related("client")
    assert devices.count() > 20 and "devices" in out.getvalue()
    assert {d.type for d in devices} == {"standard", "advanced", "passive"}
    assert all(d.created_at >= d.client.created_at for d in devices)
    # Given to working clients; the demo's risk rules, run after, may flag some of them.
    assert all(d.client.status in ("active", "at_risk", "waiting", "invited") for d in devices)


def test_each_row_of_the_clients_page_links_to_its_devices(cast, harbour):
    page = web(cast.viewer).get("/a/acme/clients/").text
    row = page.split('data-client="HBR"', 1)[1].split("</tr>", 1)[0]
    assert f'href="{tab(harbour)}"' in row


def test_editing_from_the_device_page_goes_back_to_it(cast, harbour, fleet):
    owner, pc = web(cast.owner), fleet["pc"]
    page = owner.get(tab(harbour, f"{pc.pk}/"))
    assert f'href="{tab(harbour, f"{pc.pk}/edit/")}?next=device"' in page.text
    dialog = owner.get(tab(harbour, f"{pc.pk}/edit/"), {"next": "device"})
    assert '<input type="hidden" name="next" value="device">' in dialog.text
    form = {"name": "PC-2", "type": "standard", "version": 1, "next": "device"}
    response = owner.post(tab(harbour, f"{pc.pk}/edit/"), form)
    assert response.status_code == 302 and response["Location"] == tab(harbour, f"{pc.pk}/")


def test_the_tab_says_how_many_devices_each_filter_finds(cast, harbour, fleet):
    """The whole page counts from the details panel's own counts; a partial counts itself."""
    viewer = web(cast.viewer)
    device_delete = fleet["prn"]
    device_delete.deleted_at = timezone.now()
    device_delete.save()
    for query, n in [
        ("", 2),
        ("?type=advanced", 1),
        ("?type=passive", 0),
        ("?q=pc", 1),
        ("?online=yes", 1),
    ]:
        for headers in ({}, {"HX-Request": "true"}):
            page = viewer.get(tab(harbour) + query, headers=headers).text
            summary = re.search(r'id="results-summary">([^<]+)<', page)
            if n == 0:
                assert summary is None or "of 0" in summary.group(1), query
            else:
                assert summary and summary.group(1).endswith(
                    f"of {n} device" + ("s" if n != 1 else "")
                ), (query, headers)
