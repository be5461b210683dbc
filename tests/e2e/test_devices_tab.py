"""The Devices tab in a real browser: add devices in the dialog, hide and show a column with the
chooser, and see the device counts per type in the details panel; the device page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")
WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 390, "height": 844}


def rows(page: Page):
    return page.locator("#device-results tbody tr")


def both_sizes(page: Page, shot, name: str) -> None:
    shot(page, f"{name}-1440")
    page.set_viewport_size(NARROW)
    shot(page, f"{name}-390")
    page.set_viewport_size(WIDE)


def test_add_devices_toggle_a_column_and_see_the_counts(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    harbour = make_client(cast, prefix="HBR", name="Harbour Dental")
    make_client(cast, prefix="HBR2", name="Harbour North", parent=harbour)
    page.set_viewport_size(WIDE)
    sign_in(page, live_server, cast.technician.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{harbour.pk}/")
    page.get_by_role("navigation", name="Client sections").get_by_role(
        "link", name="Devices"
    ).click()
    expect(page).to_have_url(re.compile(rf"/clients/{harbour.pk}/devices/$"))
    expect(page.get_by_text("No devices yet.")).to_be_visible()

    for name, kind, serial, ip in (
        ("FS-01", "Advanced", "SN-FS", "10.0.0.2"),
        ("Reception PC", "Standard", "SN-PC", "10.0.0.20"),
        ("Printer", "Passive", "", "10.0.0.30"),
    ):
        page.get_by_role("button", name="Add device").first.click()
        dialog = page.get_by_role("dialog", name="Add a device to Harbour Dental")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_label("Name")).to_be_focused()
        dialog.get_by_label("Name").fill(name)
        dialog.get_by_label("Type").select_option(label=kind)
        dialog.get_by_label("Serial number").fill(serial)
        dialog.get_by_label("IP address").fill(ip)
        if name == "FS-01":
            dialog.get_by_label("MAC address").fill("00-1a-2b-3c-4d-5e")
            check_a11y(page)
            both_sizes(page, shot, "add-dialog")
        dialog.get_by_role("button", name="Add device").click()
        expect(page.locator(".messages")).to_contain_text(f"{name} was added to the devices.")
    expect(rows(page)).to_have_count(3)
    expect(rows(page).first).to_contain_text("FS-01")

    # Show the MAC column, hide the IP column: the table follows, and keeps it after a reload.
    expect(page.locator("th.col-mac")).to_have_count(0)
    chooser = page.locator("details.column-chooser")
    chooser.locator("summary").click()
    chooser.get_by_label("MAC").check()
    expect(page.locator("th.col-mac")).to_have_count(1)
    chooser.get_by_label("IP").uncheck()
    expect(page.locator("th.col-ip")).to_have_count(0)
    expect(rows(page).filter(has_text="FS-01").locator("td.col-mac")).to_have_text(
        "00:1A:2B:3C:4D:5E"
    )
    page.reload()
    expect(page.locator("th.col-mac")).to_have_count(1)
    expect(page.locator("th.col-ip")).to_have_count(0)
    check_a11y(page)
    both_sizes(page, shot, "tab")

    # The details panel counts them per type, alone and with the sub-client (none there).
    page.get_by_role("navigation", name="Client sections").get_by_role(
        "link", name="Overview"
    ).click()
    counts = page.locator("#device-counts")
    expect(counts.locator("tr", has_text="Advanced")).to_contain_text("1")
    expect(counts.locator("tr.total")).to_have_text(re.compile(r"All devices\s*3\s*3"))
    both_sizes(page, shot, "counts")

    # The device page.
    page.get_by_role("navigation", name="Client sections").get_by_role(
        "link", name="Devices"
    ).click()
    page.get_by_role("link", name="FS-01", exact=True).click()
    expect(page.get_by_role("heading", name="FS-01")).to_be_visible()
    expect(page.locator(".device-page")).to_contain_text("SN-FS")
    check_a11y(page)
    both_sizes(page, shot, "device-page")
