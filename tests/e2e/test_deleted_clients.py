"""Deleted clients in a real browser: an owner deletes a client, finds it in the Deleted view
with who deleted it and when, and restores it; a deleted client's own address says so."""

import re

import pytest
from playwright.sync_api import Page, expect

from clientdesk.clients.services import client_delete
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def both_widths(page: Page, shot, check_a11y, name: str) -> None:
    for label, size in (("1440", WIDE), ("390", PHONE)):
        page.set_viewport_size(size)
        check_a11y(page)
        shot(page, f"{name}-{label}")
    page.set_viewport_size(WIDE)


def test_an_owner_deletes_a_client_then_restores_it_from_the_deleted_view(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    client = make_client(cast, prefix="BPM", name="Blue Peak Media", status="lead")
    make_client(cast, prefix="NWG", name="Northwind Group")
    older = make_client(cast, prefix="OLD", name="Old Harbour Ltd")
    client_delete(client=older, actor=cast.manager)
    page.set_viewport_size(WIDE)
    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    base = f"{live_server.url}/a/acme/clients/"

    page.goto(f"{base}{client.pk}/")
    page.get_by_role("button", name="Delete", exact=True).click()
    dialog = page.locator("#delete-dialog")
    expect(dialog).to_contain_text("An owner can restore it from the Deleted view for 30 days")
    dialog.get_by_role("button", name="Delete Blue Peak Media").click()

    expect(page).to_have_url(base)
    expect(page.locator(".message").first).to_contain_text("Blue Peak Media was deleted.")
    expect(page.locator("tr[data-client=BPM]")).to_have_count(0)
    deleted_tab = page.locator("#tab-deleted")
    expect(deleted_tab).to_have_text("Deleted 2")
    deleted_tab.click()

    expect(page).to_have_url(f"{base}deleted/")
    rows = page.locator("table.deleted-table tbody tr")
    expect(rows).to_have_count(2)
    first = rows.first  # the latest deletion first
    expect(first).to_contain_text("Blue Peak Media")
    expect(first).to_contain_text(cast.owner.user.display_name)
    expect(first.locator(".col-deleted time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
    expect(rows.nth(1)).to_contain_text(cast.manager.user.display_name)
    both_widths(page, shot, check_a11y, "deleted-view")

    first.get_by_role("button", name="Restore").click()
    confirm = page.locator(f"#restore-{client.pk}")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Restore Blue Peak Media?")
    both_widths(page, shot, check_a11y, "restore-dialog")
    confirm.get_by_role("button", name="Restore Blue Peak Media").click()

    expect(page).to_have_url(f"{base}{client.pk}/")
    expect(page.locator(".message.success")).to_contain_text(
        "Blue Peak Media is restored: it is back in every list, search and metric."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Blue Peak Media")
    expect(page.locator(".timeline-item").first).to_contain_text("restored Blue Peak Media")
    both_widths(page, shot, check_a11y, "restored")

    page.goto(f"{base}?tab=leads")
    expect(page.locator("tr[data-client=BPM]")).to_have_count(1)
    expect(page.locator("#tab-deleted")).to_have_text("Deleted 1")


def test_a_deleted_clients_own_address_tells_the_owner_and_offers_restore(
    page: Page, live_server, cast, sign_in, check_a11y, shot, browser_errors
):
    client = make_client(cast, prefix="GONE", name="Gone Logistics")
    client_delete(client=client, actor=cast.manager)
    address = f"{live_server.url}/a/acme/clients/{client.pk}/"
    page.set_viewport_size(WIDE)

    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Gone Logistics")
    expect(page.locator(".deleted-card")).to_contain_text(
        f"Deleted by {cast.manager.user.display_name} on"
    )
    expect(page.locator(".deleted-card")).to_contain_text("You can restore it until")
    both_widths(page, shot, check_a11y, "deleted-client-page")

    page.get_by_role("button", name="Restore", exact=True).click()
    page.locator(f"#restore-{client.pk}").get_by_role(
        "button", name="Restore Gone Logistics"
    ).click()
    expect(page.locator(".message.success")).to_contain_text("Gone Logistics is restored")
    expect(page.get_by_role("button", name="Delete", exact=True)).to_be_visible()

    # Anyone else gets the 404 of a client that never was.
    client_delete(client=client, actor=cast.owner)
    browser_errors.allow(r"status of 404")
    page.context.clear_cookies()
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    response = page.goto(address)
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Gone Logistics")
