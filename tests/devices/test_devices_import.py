"""Importing devices: by client prefix + serial, else by name; the formats checked as the
services check them; the template."""

import re

from clientdesk.audit.models import Activity
from clientdesk.devices.models import Device
from clientdesk.devices.services import device_create, device_settings_update
from clientdesk.transfer.import_templates import template_csv
from clientdesk.transfer.queries import import_errors
from clientdesk.transfer.services import import_file
from tests.clients.factories import make_client


def _run(cast, tmp_path, content: bytes, *, mode="upsert"):
    path = tmp_path / "devices.csv"
    path.write_bytes(content)
    return import_file(
        account=cast.account,
        membership=cast.manager,
        kind="devices",
        path=str(path),
        mode=mode,
    )


def test_devices_import_creates_checks_formats_and_rejects_repeated_serials(cast, tmp_path):
    acme = make_client(cast.account, prefix="ACME")
    content = (
        b"Client prefix,Hostname,Type,Serial,IP,MAC,Online\n"
        b"acme,FS-01,Advanced,SN-1,10.0.0.2,00-1a-2b-3c-4d-5e,yes\n"
        b"NOPE,X,,SN-9,,,\n"
        b"ACME,FS-02,,SN-1,,,\n"
        b"ACME,PC-01,standard,,10.0.0.300,,\n"
        b"ACME,Printer,Passive,,,,no\n"
        b"ACME,Box,Gold,,,,\n"
    )

    job = _run(cast, tmp_path, content)

    assert job.counts == {"rows": 6, "created": 2, "updated": 0, "unchanged": 0, "rejected": 4}
    errors = {e.row: (e.field, e.message) for e in import_errors(job)}
    assert "NOPE" in errors[3][1]
    assert "Row 2" in errors[4][1]
    assert errors[5][0] == "IP" and "IPv4" in errors[5][1]
    assert errors[7][0] == "Type" and "Gold" in errors[7][1]
    fs = Device.objects.get(client=acme, serial="SN-1")
    assert (fs.name, fs.type, fs.mac, fs.online) == ("FS-01", "advanced", "00:1A:2B:3C:4D:5E", True)
    assert Device.objects.get(client=acme, name="Printer").type == "passive"
    assert Activity.objects.filter(verb="device.created", account=cast.account).count() == 2

    again = _run(cast, tmp_path, content)
    assert again.counts["unchanged"] == 2 and again.counts["created"] == 0
    assert Device.objects.filter(client=acme).count() == 2


def test_upsert_matches_by_serial_else_by_name_and_create_mode_refuses_a_known_serial(
    cast, tmp_path
):
    acme = make_client(cast.account, prefix="ACME")
    by_serial = device_create(client=acme, actor=None, name="Old name", serial="SN-1")
    by_name = device_create(client=acme, actor=None, name="Reception PC")
    content = (
        b"Client prefix,Name,Serial,Location\n"
        b"ACME,New name,SN-1,Server room\n"
        b"ACME,reception pc,,Front desk\n"
    )
    assert _run(cast, tmp_path, content, mode="create").counts["rejected"] == 1
    Device.objects.filter(location="Front desk").delete()  # the create run added a second PC

    job = _run(cast, tmp_path, content)

    assert job.counts["updated"] == 2, list(import_errors(job))
    by_serial.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_serial.name, by_serial.location, by_serial.version) == ("New name", "Server room", 2)
    assert by_name.location == "Front desk"
    assert Device.objects.filter(client=acme, deleted_at=None).count() == 2


def test_the_template_names_the_columns_and_the_accounts_type_names(cast):
    device_settings_update(
        account=cast.account, actor=None, type_labels={"advanced": "Server"}, rmm_url_pattern=""
    )
    text = template_csv("devices", cast.account).decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("Client prefix,Name,Type,Operating system")
    assert "Serial number" in header and "MAC address" in header


def test_the_devices_tab_leads_managers_to_the_devices_import(cast):
    from django.test import Client

    acme = make_client(cast.account, prefix="ACME")
    http = Client()
    http.force_login(cast.manager.user)
    tab = http.get(f"/a/acme/clients/{acme.pk}/devices/").text
    assert 'href="/a/acme/imports/?kind=devices"' in tab
    page = http.get("/a/acme/imports/", {"kind": "devices"}).text
    assert re.search(r'<input type="radio" name="kind" value="devices"[^>]* checked', page)
    http.force_login(cast.technician.user)
    assert "import-devices" not in http.get(f"/a/acme/clients/{acme.pk}/devices/").text
