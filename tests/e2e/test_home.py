"""The home page, the risk rules and the status tables in a real browser: an owner turns a
rule on and runs it, home shows the at-risk client with its reason, the status table lists it,
the client page says why and a dismissal puts it back; the pages at 1440 px and 390 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clientdesk.agreements.services import agreement_create
from clientdesk.clients.services import client_change_status
from clientdesk.contacts.services import contact_create
from clientdesk.tickets.services import ticket_create
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def roster(cast):
    today = timezone.localdate()  # the account is on UTC
    harbour = make_client(cast, prefix="HBR", name="Harbour Dental", manager=cast.manager.user)
    contact_create(
        client=harbour, actor=None, first_name="Ann", last_name="Ridge",
        email="ann@harbour.example", is_primary=True,
    )  # fmt: skip
    agreement_create(
        client=harbour, actor=None, name="Support 2025", kind="fixed_fee",
        starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=4),
    )  # fmt: skip
    for prefix, name in [("NOR", "Northwind Traders"), ("BLU", "Blue Yonder Airlines")]:
        c = make_client(cast, prefix=prefix, name=name, manager=cast.admin.user)
        agreement_create(
            client=c, actor=None, name="Managed desks", kind="fixed_fee",
            starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=300),
        )  # fmt: skip
        ticket_create(client=c, actor=None, title=f"{name}: printer offline")
    make_client(cast, prefix="FAB", name="Fabrikam", status="invited")
    make_client(cast, prefix="CON", name="Contoso Pharmaceuticals", status="waiting")
    shaky = make_client(cast, prefix="LIT", name="Litware Inc", manager=cast.manager.user)
    client_change_status(
        client=shaky, actor=cast.manager, to_status="at_risk",
        reason="The new CFO wants to cut IT spending",
    )  # fmt: skip
    ticket_create(
        client=shaky, actor=None, title="VPN keeps dropping", priority="urgent",
        now=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    return harbour


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_a_rule_flags_a_client_home_and_the_status_table_say_why_and_staff_dismiss_it(
    page: Page, live_server, cast, roster, sign_in, check_a11y, shot
):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, cast.owner.user.email, PASSWORD)

    page.goto(f"{live_server.url}/a/acme/settings/risk/")
    expect(page.get_by_role("heading", name="Risk rules")).to_be_visible()
    page.get_by_role("checkbox", name="Agreement ending").check()
    page.get_by_label("Threshold Agreement ending").fill("30")
    page.get_by_role("button", name="Save risk rules").click()
    expect(page.get_by_text("Risk rules saved.")).to_be_visible()
    page.get_by_role("button", name="Run now").click()
    expect(page.get_by_text("1 client moved to at risk")).to_be_visible()
    check_a11y(page)
    shot(page, "risk-settings-1440")

    page.goto(f"{live_server.url}/a/acme/")
    at_risk = page.locator("#home-at_risk")
    expect(at_risk.get_by_role("link", name="Harbour Dental")).to_be_visible()
    expect(at_risk).to_contain_text("Agreement “Support 2025” ended on")
    expect(at_risk).to_contain_text("The new CFO wants to cut IT spending")
    expect(page.locator("#home-status-at_risk")).to_contain_text("2")
    expect(page.locator("#home-open-tickets")).to_contain_text("3")
    expect(page.locator("#home-breached-tickets")).to_contain_text("1")
    check_a11y(page)
    shot(page, "home-1440")

    page.locator("#home-status-at_risk").click()
    expect(page).to_have_url(f"{live_server.url}/a/acme/insights/status/?status=at_risk")
    row = page.locator("tr", has_text="Harbour Dental")
    expect(row).to_contain_text("Agreement “Support 2025” ended on")
    expect(row).to_contain_text(cast.manager.user.display_name)
    expect(row.get_by_role("link", name="Email primary")).to_have_attribute(
        "href", "mailto:ann@harbour.example"
    )
    check_a11y(page)
    shot(page, "status-tables-1440")
    # Another count swaps the list in place (htmx) and the address follows.
    page.locator("#status-count-active").click()
    expect(page.locator("#status-list-title")).to_have_text("Active clients")
    expect(page).to_have_url(f"{live_server.url}/a/acme/insights/status/?status=active")
    expect(page.locator("tr", has_text="Northwind Traders")).to_be_visible()
    page.locator("#status-count-at_risk").click()
    page.locator("tr", has_text="Harbour Dental").get_by_role("link", name="Open").click()

    card = page.locator("#client-risk")
    expect(card).to_contain_text("Why this client is at risk")
    expect(card).to_contain_text("Agreement “Support 2025” ended on")
    shot(page, "client-risk-1440")
    card.get_by_text("Dismiss").click()
    card.get_by_label("Not at risk for").select_option("90")
    card.get_by_label("Note").fill("Renewal signed, paperwork on its way")
    card.get_by_role("button", name="Back to active, not flagged for this period").click()
    expect(page.get_by_text("is not at risk until")).to_be_visible()
    expect(page.locator("#risk-dismissed")).to_contain_text("leave this client alone until")
    check_a11y(page)


def test_home_and_status_tables_at_phone_width(
    page: Page, live_server, cast, roster, sign_in, check_a11y, shot
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/")
    expect(page.locator("#home-at_risk")).to_contain_text("Litware Inc")
    assert no_sideways_scroll(page)
    check_a11y(page)
    shot(page, "home-390")
    page.goto(f"{live_server.url}/a/acme/insights/status/?status=at_risk")
    expect(page.locator("tr", has_text="Litware Inc")).to_be_visible()
    assert no_sideways_scroll(page)
    check_a11y(page)
    shot(page, "status-tables-390")
    page.goto(f"{live_server.url}/a/acme/settings/risk/")
    assert no_sideways_scroll(page)
    shot(page, "risk-settings-390")
