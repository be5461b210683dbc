"""A technician flags a problematic app on a client's Apps tab, in a real browser; a manager
finds that client with the Clients page's problematic-apps filter."""

import pytest
from playwright.sync_api import Page, expect

from clientdesk.clients.models import Industry
from clientdesk.software.models import ClientApp
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_flag_a_problematic_app_and_find_the_client_with_the_filter(
    page: Page, live_server, cast, sign_in, check_a11y, shot, browser_errors
):
    legal = Industry.objects.for_account(cast.account).get(name="Legal")
    firm = make_client(cast, prefix="LAW", name="Lex & Partners", industry=legal)
    make_client(cast, prefix="CALM", name="Calm Bakery")
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, cast.technician.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{firm.pk}/")
    page.get_by_role("link", name="Apps").first.click()
    expect(page.get_by_role("heading", name="Apps of Lex & Partners")).to_be_visible()
    missing = page.locator("#missing-apps")
    expect(missing.locator('[data-missing="Practice management"]')).to_be_visible()

    # One click adds a missing app; then it is in use, flagged problematic with a note.
    missing.get_by_role("button", name="Add Microsoft 365").click()
    expect(page.get_by_text("Microsoft 365 added to the apps.")).to_be_visible()
    row = page.locator('tr[data-app="Microsoft 365"]')
    expect(row).to_be_visible()
    expect(missing.locator('[data-missing="Microsoft 365"]')).to_have_count(0)
    row.get_by_label("Microsoft 365 is problematic").check()
    row.get_by_label("Note on Microsoft 365").fill("Mailboxes over quota every week")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Microsoft 365 saved.")).to_be_visible()
    expect(page.locator('tr[data-app="Microsoft 365"].problematic')).to_be_visible()
    check_a11y(page)
    shot(page, "apps-tab-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "apps-tab-390")
    row = ClientApp.objects.get(client=firm, application__name="Microsoft 365")
    assert row.problematic and row.note == "Mailboxes over quota every week"

    # A manager filters the Clients list by that problematic app.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/?tab=active")
    expect(page.locator('tr[data-client="CALM"]')).to_be_visible()
    expect(page.locator("th.col-project_opportunity")).to_be_visible()
    page.get_by_label("Problematic apps").select_option(label="Microsoft 365")
    expect(page.locator('tr[data-client="CALM"]')).to_have_count(0)
    expect(page.locator('tr[data-client="LAW"]')).to_be_visible()
    assert "problematic_app=" in page.url
    indicator = page.locator('tr[data-client="LAW"] [data-app-indicator="stack"]')
    expect(indicator).to_have_attribute("title", "Microsoft 365 — problematic: Microsoft 365")
    shot(page, "clients-filtered-1440")
    page.locator("#clear-filters").click()
    expect(page.locator('tr[data-client="CALM"]')).to_be_visible()
    page.goto(f"{live_server.url}/a/acme/clients/?tab=active")  # the filter form afresh
    page.locator("#sort-project_opportunity").click()
    expect(page.locator("th.col-project_opportunity")).to_have_attribute("aria-sort", "ascending")
    check_a11y(page)
    shot(page, "clients-active-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "clients-active-390")
