"""An admin keeps the account's industries in Settings, in a real browser: add one, merge one
into another through its dialog, and see the clients follow."""

import pytest
from playwright.sync_api import Page, expect

from clientdesk.clients.models import Client, Industry
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_add_and_merge_industries_from_settings(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    finance = Industry.objects.for_account(cast.account).get(name="Finance")
    bank = make_client(cast, prefix="BANK", name="Harbour Bank", industry=finance)
    sign_in(page, live_server, cast.admin.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/settings/")
    page.get_by_role("link", name="Industries").click()
    expect(page.get_by_role("heading", name="Industries")).to_be_visible()
    check_a11y(page)
    shot(page, "list")

    page.get_by_label("New industry").fill("Banking")
    page.get_by_role("button", name="Add industry").click()
    expect(page.get_by_text("Banking was added.")).to_be_visible()
    expect(page.locator('tr[data-industry="Banking"]')).to_be_visible()

    row = page.locator('tr[data-industry="Finance"]')
    row.get_by_role("button", name="Merge").click()
    dialog = page.get_by_role("dialog", name="Merge Finance into another industry")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Into").select_option(label="Banking")
    check_a11y(page)
    shot(page, "merge-dialog")
    dialog.get_by_role("button", name="Merge and delete Finance").click()
    expect(page.get_by_text("Finance was merged into Banking; 1 client moved.")).to_be_visible()
    expect(page.locator('tr[data-industry="Finance"]')).to_have_count(0)
    expect(page.locator('tr[data-industry="Banking"] td.num')).to_have_text("1")
    shot(page, "merged")
    assert Client.objects.get(pk=bank.pk).industry.name == "Banking"
