"""The portal's requests in a real browser: a portal user raises a request, sees it on the
board, watches it move when staff move it (no reload), and replies; staff see the reply."""

import re

import pytest
from playwright.sync_api import Page, expect

from clientdesk.tickets.models import Ticket
from clientdesk.tickets.services import reply_add, ticket_create, ticket_update
from tests.core.test_emails import smtp  # noqa: F401 - the real SMTP server fixture
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_raise_a_request_watch_it_move_and_reply(
    page: Page,
    live_server,
    cast,
    check_a11y,
    shot,
    smtp,  # noqa: F811 - the fixture imported above
    run_tasks,
):
    ada = cast.portal_a
    other = ticket_create(client=cast.portal_b.client, actor=None, title="Bravo's own request")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/portal/sign-in/")
    page.get_by_label("Email").fill(ada.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Requests").click()
    expect(page.get_by_text("No requests yet.")).to_be_visible()

    page.locator("#new-request").click()
    page.get_by_label("What do you need?").fill("Laptop for a new starter")
    page.get_by_label("How urgent is it?").select_option("high")
    page.get_by_label("Details").fill("Anna starts on Monday.")
    check_a11y(page)
    page.locator("#send-request").click()
    ticket = Ticket.objects.get(client=ada.client)
    expect(page.locator("h1")).to_contain_text("ALPHA-001")

    page.get_by_role("link", name="Requests").first.click()
    expect(page.locator('[data-status="new"]')).to_contain_text("ALPHA-001")
    assert "Bravo's own request" not in page.content() and other.number not in page.content()
    shot(page, "board-before")

    # Staff pick it up: the board follows without a reload.
    page.evaluate("window.__still_here = true")
    reply_add(ticket=ticket, actor=cast.technician, body="We have one in stock.")
    ticket_update(ticket=ticket, actor=cast.technician, version=None, status="waiting")
    expect(page.locator('[data-status="waiting"]')).to_contain_text("ALPHA-001", timeout=15_000)
    assert page.evaluate("window.__still_here === true"), "the page reloaded"
    # Ada hears of both by email, through a real SMTP server.
    run_tasks()
    about = [(rcpt, mail) for rcpt, mail in smtp.messages if "ALPHA-001" in mail["Subject"]]
    assert sorted(mail["Subject"] for _rcpt, mail in about) == [
        "[ALPHA-001] Laptop for a new starter",
        "[ALPHA-001] Laptop for a new starter: Waiting on client",
    ]
    assert all(rcpt == [ada.contact.email] for rcpt, _mail in about)
    check_a11y(page)
    shot(page, "board-after")

    page.locator('[data-status="waiting"]').get_by_role(
        "link", name="Laptop for a new starter"
    ).click()
    expect(page.locator(".replies")).to_contain_text("We have one in stock.")
    page.get_by_label("Your reply").fill("Great, she needs a 14 inch one.")
    page.locator("#send-reply").click()
    expect(page.locator(".replies")).to_contain_text("14 inch")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    check_a11y(page)
    shot(page, "request-1440")

    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (
        ("/portal/requests/", "board-390"),
        (f"/portal/requests/{ticket.pk}/", "request-390"),
    ):
        page.goto(live_server.url + path)
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), path
        shot(page, name)
    expect(page).to_have_url(re.compile(rf"/portal/requests/{ticket.pk}/$"))
