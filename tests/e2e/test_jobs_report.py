"""A viewer opens a client's jobs report from the client page's quick link, in a real browser,
narrows it to jobs, and downloads it; at desktop and phone widths."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.clients.factories import make_client
from tests.factories import PASSWORD
from tests.tickets.test_report import make_ticket

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def alpha(cast):
    tech = cast.technician.user
    tech.name = "Tess Tech"
    tech.save(update_fields=["name"])
    client = make_client(cast, prefix="ALPHA", name="Alpha Corp")
    now = timezone.now().replace(microsecond=0)
    make_ticket(client, created=now - timedelta(days=3), priority="high", assignee=tech,
                response=31, resolution=150, status="resolved", logged=45)  # fmt: skip
    make_ticket(client, created=now - timedelta(days=2), assignee=tech, response=95,
                status="open", logged=20, response_breached=True)  # fmt: skip
    make_ticket(client, created=now - timedelta(days=1), kind="request")
    make_ticket(client, created=now - timedelta(days=60), logged=500)  # before the 30 days
    return client


@pytest.mark.parametrize("width", [1440, 390])
def test_a_viewer_opens_a_client_s_jobs_report_from_its_page(
    page: Page, live_server, cast, alpha, sign_in, check_a11y, shot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, cast.viewer.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{alpha.pk}/")
    shot(page, f"{width}-client-page")
    page.get_by_role("link", name="Jobs report").click()

    expect(page.get_by_role("heading", name="Jobs report")).to_be_visible()
    expect(page.get_by_label("Client", exact=True)).to_have_value(str(alpha.pk))
    totals = page.locator(".report-totals")
    expect(totals.locator('[data-total="count"]')).to_have_text("3")
    expect(totals.locator('[data-total="breached"]')).to_have_text("1")
    expect(totals.locator('[data-total="logged"]')).to_have_text("65 min")
    tess = page.locator("#report-assignee tbody tr").first
    expect(tess.locator("th")).to_contain_text("Tess Tech")
    expect(tess.locator("td").first).to_have_text("2")
    # The numbers stand right-aligned under their headers.
    align = tess.locator("td").first.evaluate("td => getComputedStyle(td).textAlign")
    assert align == "right"
    check_a11y(page)
    shot(page, f"{width}-client")

    page.get_by_label("Kind", exact=True).select_option(label="Job")
    page.get_by_role("button", name="Show").click()
    expect(totals.locator('[data-total="count"]')).to_have_text("2")
    expect(page.locator("#report-kind tbody tr")).to_have_count(1)
    expect(page.locator("#report-kind tbody tr td").nth(3)).to_have_text("1 h 3 min")
    shot(page, f"{width}-jobs")

    page.get_by_text("Export").click()
    with page.expect_download() as info:
        page.locator('[data-export="csv"]').click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    assert "Total,All tickets,,2,1,1,63.0,150.0,65" in text

    page.get_by_label("From", exact=True).fill("2020-01-01")
    page.get_by_label("To", exact=True).fill("2020-01-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No tickets in this range.")).to_be_visible()
    check_a11y(page)
    shot(page, f"{width}-empty")
