"""Dates as people write them, in a real browser: upload a CSV with day-first dates, see on the
check page how the column was read, switch the order, run, and find the right day on a client;
at a desk's width and a phone's."""

import pytest
from playwright.sync_api import Page, expect

from clientdesk.clients.models import Client, StatusChange
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

# Day first or month first? Every date fits both readings, so the account's order decides
# (UTC: day first); this file came from a US tool, so the person switches it.
FILE = (
    b"Client code,Company,Stage,Status since\r\n"
    b"HARB,Harbor Dental,Active,03/04/2024\r\n"
    b"CEDR,Cedar Logistics,Active,11/02/2023\r\n"
    b"GONE,Gone Ltd,Inactive,06/01/2024\r\n"
)


@pytest.mark.parametrize("width", [1440, 390])
def test_a_csv_with_ambiguous_dates_is_read_switched_and_imported(
    page: Page, live_server, cast, sign_in, check_a11y, shot, worker, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/imports/?kind=clients")
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "us-crm.csv", "mimeType": "text/csv", "buffer": FILE}]
    )
    page.get_by_role("button", name="Upload and choose columns").click()
    expect(page.get_by_label("Status since")).to_have_value("status_since")
    page.get_by_role("button", name="Check the file").click()
    worker()

    # The check says how it read the column, with its first dates as days.
    dates = page.locator(".import-dates")
    expect(dates).to_be_visible(timeout=60_000)
    expect(dates).to_contain_text("Status since: read day first (DD/MM/YYYY)")
    expect(dates.locator(".date-samples li").first).to_contain_text("03/04/2024")
    expect(dates.locator(".date-samples li").first).to_contain_text("3 April 2024")
    check_a11y(page)
    shot(page, f"{width}-1-read-day-first")

    # Switch it: the file is checked again, month first.
    page.get_by_role("button", name="Read month first (MM/DD/YYYY) and check again").click()
    expect(dates).to_contain_text("read month first (MM/DD/YYYY), as you chose.", timeout=60_000)
    expect(dates.locator(".date-samples li").first).to_contain_text("4 March 2024")
    check_a11y(page)
    shot(page, f"{width}-2-read-month-first")

    page.get_by_role("button", name="Run import…").click()
    page.get_by_role("dialog").get_by_role("button", name="Create 3 clients").click()
    expect(page.get_by_role("heading", name="What the import did")).to_be_visible(timeout=60_000)

    # The client's page shows the day it became active: 4 March 2024.
    harbor = Client.objects.get(account=cast.account, prefix="HARB")
    assert StatusChange.objects.get(client=harbor).at.date().isoformat() == "2024-03-04"
    page.goto(f"{live_server.url}/a/acme/clients/{harbor.pk}/")
    expect(page.locator("body")).to_contain_text("since 4 Mar 2024")
    shot(page, f"{width}-3-client")
    gone = Client.objects.get(account=cast.account, prefix="GONE")
    assert gone.status == "inactive" and gone.status_changed_at.date().isoformat() == "2024-06-01"
