"""Agreements in a real browser: the client page's Agreements tab flags an expired agreement
in red and a current one in green, read-only; a manager reaches Settings › Agreements from it;
the pages at 1440 px and at 390 px."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clientdesk.agreements.services import agreement_create
from clientdesk.contacts.services import contact_create
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def harbour(cast):
    client = make_client(cast, prefix="HBR", name="Harbour Dental")
    ann = contact_create(client=client, actor=None, first_name="Ann", email="ann@harbour.example")
    contact_create(client=client, actor=None, first_name="Bob", email="bob@harbour.example")
    today = timezone.localdate()  # the account is on UTC
    agreement_create(
        client=client, actor=None, name="Support 2024", kind="hours_block",
        starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=35),
        monthly_price=Decimal("300.00"), hours=Decimal("20"),
    )  # fmt: skip
    agreement_create(
        client=client, actor=None, name="Managed desks", kind="ayce_user",
        starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=335),
        monthly_price=Decimal("450.00"), contacts=[ann],
    )  # fmt: skip
    return client


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def rgb(page: Page, selector: str) -> tuple[int, int, int]:
    value = page.locator(selector).evaluate("el => getComputedStyle(el).color")
    return tuple(int(part) for part in value[value.index("(") + 1 : -1].split(",")[:3])


def test_an_expired_agreement_is_flagged_red_and_a_current_one_green(
    page: Page, live_server, cast, harbour, sign_in, check_a11y, shot
):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{harbour.pk}/")
    coverage = page.locator("table.counts").filter(has_text="In agreement")
    expect(coverage.locator("tr", has_text="In agreement").locator("td").first).to_have_text("1")
    expect(coverage.locator("tr", has_text="Out of agreement").locator("td").first).to_have_text(
        "1"
    )
    page.get_by_role("link", name="Agreements").first.click()
    expect(page.get_by_role("heading", name="Agreements of Harbour Dental")).to_be_visible()
    expired = page.locator("tr.agreement-row", has_text="Support 2024")
    current = page.locator("tr.agreement-row", has_text="Managed desks")
    expect(expired.locator(".agreement-state")).to_have_text("Expired")
    expect(current.locator(".agreement-state")).to_have_text("Current")
    red = rgb(page, "tr.agreement-expired .agreement-state")
    green = rgb(page, "tr.agreement-current .agreement-state")
    assert red[0] > 150 and red[1] < 100, red  # the danger colour
    assert green[1] > 100 and green[0] < 100, green  # the success colour
    # Read-only: no form, no edit control on the tab; the way to edit is Settings.
    expect(page.locator(".agreements-tab form")).to_have_count(0)
    expect(page.locator(".agreements-tab input, .agreements-tab button")).to_have_count(0)
    check_a11y(page)
    shot(page, "tab-1440")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(expired.locator(".agreement-state")).to_be_visible()
    assert no_sideways_scroll(page)  # the table scrolls inside its frame, not the page
    shot(page, "tab-390")

    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator("#manage-agreements").click()
    expect(page.locator("tr.agreement-row")).to_have_count(2)
    expect(page.locator("tr.agreement-expired")).to_contain_text("Support 2024")
    check_a11y(page)
    shot(page, "settings-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert no_sideways_scroll(page)
    shot(page, "settings-390")


def test_a_manager_covers_a_contact_from_the_agreement_form(
    page: Page, live_server, cast, harbour, sign_in, check_a11y, shot
):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/settings/agreements/?client={harbour.pk}")
    page.locator("tr.agreement-row", has_text="Managed desks").get_by_role(
        "link", name="Edit"
    ).click()
    expect(page.get_by_label("Ann")).to_be_checked()
    expect(page.get_by_label("Bob")).not_to_be_checked()
    page.get_by_label("Bob").check()
    check_a11y(page)
    shot(page, "form-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    shot(page, "form-390")
    page.locator("#save-agreement").click()
    expect(page.locator(".messages, .message").first).to_contain_text("was saved")
    page.goto(f"{live_server.url}/a/acme/clients/{harbour.pk}/")
    coverage = page.locator("table.counts").filter(has_text="In agreement")
    expect(coverage.locator("tr", has_text="In agreement").locator("td").first).to_have_text("2")
