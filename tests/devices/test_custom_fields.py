"""The account's own device fields: named in Settings › Devices, filled in the device dialog,
shown on the device page and read and written in the API as `custom_fields`."""

import pytest

from clientdesk.devices.models import Device, DeviceSettings
from tests.api.test_clients_api import Api
from tests.clients.factories import make_client
from tests.devices.test_devices_pages import add, tab, web

SETTINGS = "/a/acme/settings/devices/"
BLANK_TIERS = {"label_standard": "", "label_advanced": "", "label_passive": ""}


def fields_of(cast) -> list[dict]:
    return DeviceSettings.objects.get(account=cast.account).custom_fields


@pytest.fixture
def harbour(cast):
    return make_client(cast, prefix="HBR", name="Harbour Dental")


@pytest.fixture
def warranty(cast):
    """An owner names two fields through the Settings page."""
    owner = web(cast.owner)
    form = BLANK_TIERS | {"cfnew_1": "Warranty ends", "cfnew_2": "Asset tag", "cfnew_3": ""}
    assert owner.post(SETTINGS, form).status_code == 302
    return owner


def test_settings_name_fields_and_a_rename_keeps_the_values(cast, harbour, warranty):
    assert fields_of(cast) == [
        {"key": "warranty_ends", "label": "Warranty ends"},
        {"key": "asset_tag", "label": "Asset tag"},
    ]
    nas = add(harbour, "NAS", custom_fields={"asset_tag": "A-0042"})
    # Renamed, its key stays, so the device's value shows under the new name.
    form = BLANK_TIERS | {"cfl_warranty_ends": "Warranty until", "cfl_asset_tag": "Asset tag"}
    assert warranty.post(SETTINGS, form).status_code == 302
    assert [f["key"] for f in fields_of(cast)] == ["warranty_ends", "asset_tag"]
    page = warranty.get(tab(harbour, f"{nas.pk}/"))
    assert "<dt>Warranty until</dt>" in page.text and "A-0042" in page.text


def test_a_removed_field_hides_its_values_and_brings_them_back_when_added_again(
    cast, harbour, warranty
):
    nas = add(harbour, "NAS", custom_fields={"asset_tag": "A-0042"})
    form = BLANK_TIERS | {"cfl_warranty_ends": "Warranty ends", "cfl_asset_tag": ""}
    assert warranty.post(SETTINGS, form).status_code == 302
    assert "A-0042" not in warranty.get(tab(harbour, f"{nas.pk}/")).text
    assert Device.objects.get(pk=nas.pk).custom_fields == {"asset_tag": "A-0042"}
    form = BLANK_TIERS | {"cfl_warranty_ends": "Warranty ends", "cfnew_1": "Asset tag"}
    assert warranty.post(SETTINGS, form).status_code == 302
    assert "A-0042" in warranty.get(tab(harbour, f"{nas.pk}/")).text


def test_settings_refuse_two_fields_of_one_name(cast, warranty):
    form = BLANK_TIERS | {"cfl_warranty_ends": "Tag", "cfl_asset_tag": "tag"}
    refused = warranty.post(SETTINGS, form)
    assert refused.status_code == 400 and "Two fields are named “tag”." in refused.text
    assert len(fields_of(cast)) == 2


def test_the_dialog_fills_them_and_the_device_page_shows_them(cast, harbour, warranty):
    tech = web(cast.technician)
    dialog = tech.get(tab(harbour))
    assert 'name="cf_warranty_ends"' in dialog.text and "Your fields" in dialog.text
    form = {"name": "NAS", "type": "standard", "cf_warranty_ends": "2028-03-31", "cf_asset_tag": ""}
    assert tech.post(tab(harbour, "new/"), form).status_code == 302
    nas = Device.objects.get(name="NAS")
    assert nas.custom_fields == {"warranty_ends": "2028-03-31"}
    edit = {"name": "NAS", "type": "standard", "version": 1, "cf_warranty_ends": "", "cf_asset_tag": "T-9"}  # fmt: skip
    assert tech.post(tab(harbour, f"{nas.pk}/edit/"), edit).status_code == 302
    nas.refresh_from_db()
    assert nas.custom_fields == {"asset_tag": "T-9"}
    page = tech.get(tab(harbour, f"{nas.pk}/"))
    assert "<dt>Asset tag</dt><dd>T-9</dd>" in page.text
    assert "<dt>Warranty ends</dt><dd>—</dd>" in page.text


def test_the_api_reads_writes_merges_and_refuses_unknown_fields(cast, harbour, warranty):
    api = Api(cast.technician)
    made = api.post(
        f"/api/v1/clients/{harbour.pk}/devices",
        {"name": "FS-01", "custom_fields": {"warranty_ends": "2027-01-31"}},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["custom_fields"] == {"warranty_ends": "2027-01-31"}
    patched = api.patch(
        f"/api/v1/devices/{body['id']}",
        {"version": 1, "custom_fields": {"asset_tag": "A-1"}},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["custom_fields"] == {"warranty_ends": "2027-01-31", "asset_tag": "A-1"}
    cleared = api.patch(
        f"/api/v1/devices/{body['id']}", {"version": 2, "custom_fields": {"warranty_ends": None}}
    )
    assert cleared.json()["custom_fields"] == {"asset_tag": "A-1"}
    unknown = api.patch(
        f"/api/v1/devices/{body['id']}", {"version": 3, "custom_fields": {"colour": "red"}}
    )
    assert unknown.status_code == 422
    assert "There is no custom field “colour”" in unknown.json()["errors"]["custom_fields"][0]
    long = api.patch(
        f"/api/v1/devices/{body['id']}", {"version": 3, "custom_fields": {"asset_tag": "x" * 501}}
    )
    assert long.status_code == 422
    assert "at most 500 characters" in long.json()["errors"]["custom_fields"][0]
    assert api.get(f"/api/v1/devices/{body['id']}").json()["custom_fields"] == {"asset_tag": "A-1"}


def test_only_admins_name_fields(cast):
    assert web(cast.manager).post(SETTINGS, BLANK_TIERS | {"cfnew_1": "X"}).status_code == 403
    assert not DeviceSettings.objects.filter(account=cast.account).exists()


def test_the_devices_tab_shows_a_field_as_a_column_once_chosen(cast, harbour, warranty):
    add(harbour, "NAS", custom_fields={"asset_tag": "T-9"})
    tech = web(cast.technician)
    page = tech.get(tab(harbour))
    assert 'value="cf_asset_tag"' in page.text  # offered in the column chooser
    assert "T-9" not in page.text  # not shown until chosen
    chosen = {"columns": ["type", "cf_asset_tag"], "page_size": 50}
    assert tech.post(tab(harbour, "columns/"), chosen).status_code == 302
    page = tech.get(tab(harbour))
    assert '<td class="col-custom">T-9</td>' in page.text
    assert ">Asset tag<" in page.text  # its header


def test_the_devices_import_reads_fields_by_their_label(cast, harbour, warranty, tmp_path):
    from clientdesk.transfer.import_templates import template_csv
    from clientdesk.transfer.queries import import_errors
    from clientdesk.transfer.services import import_file

    header = template_csv("devices", cast.account).decode("utf-8-sig").splitlines()[0]
    assert header.endswith(",Warranty ends,Asset tag")
    path = tmp_path / "devices.csv"
    path.write_text(
        "Client prefix,Name,Serial,Warranty ends,Asset tag\n"
        "HBR,NAS,SN-1,2028-03-31,\n"
        f"HBR,Switch,SN-2,,{'x' * 501}\n"
    )

    def run():
        return import_file(
            account=cast.account, membership=cast.manager, kind="devices", path=str(path),
            mode="upsert",
        )  # fmt: skip

    job = run()
    assert job.counts["created"] == 1 and job.counts["rejected"] == 1
    [error] = import_errors(job)
    assert error.row == 3 and "500" in error.message
    nas = Device.objects.get(name="NAS")
    assert nas.custom_fields == {"warranty_ends": "2028-03-31"}
    # An empty cell leaves a value as it was; a new one changes only its own field.
    path.write_text("Client prefix,Name,Serial,Warranty ends,Asset tag\nHBR,NAS,SN-1,,T-9\n")
    assert run().counts["updated"] == 1
    nas.refresh_from_db()
    assert nas.custom_fields == {"warranty_ends": "2028-03-31", "asset_tag": "T-9"}
