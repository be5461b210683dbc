"""Tickets in a real browser: log a job from a client's page, find it on the Support Tickets
tab and preview it in place, reply and add a note on its page, move it across the board; the
pages at 1440 px and at 390 px."""

import re

import pytest
from playwright.sync_api import Page, expect

from clientdesk.contacts.services import contact_create
from clientdesk.tickets.models import Ticket
from clientdesk.tickets.services import ticket_create
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def harbour(cast):
    client = make_client(cast, prefix="HBR", name="Harbour Dental")
    contact_create(client=client, actor=None, first_name="Ann", email="ann@harbour.example")
    ticket_create(
        client=client, actor=None, title="Printer shows offline", description="Since Monday."
    )
    return client


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_log_a_job_preview_it_reply_and_move_it_on_the_board(
    page: Page, live_server, cast, harbour, sign_in, check_a11y, shot
):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, cast.technician.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{harbour.pk}/")
    expect(page.locator("#open-tickets")).to_have_text("1")
    page.locator("#log-job").click()
    expect(page.get_by_role("heading", name="Log a job")).to_be_visible()
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Title").fill("Replace the reception switch")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Assignee").select_option(label=cast.technician.user.display_name)
    check_a11y(page)
    page.locator("#ticket-save").click()

    job = Ticket.objects.get(kind="job")
    expect(page).to_have_url(re.compile(rf"/a/acme/tickets/{job.pk}/$"))
    expect(page.locator("h1")).to_contain_text("HBR-002")
    expect(page.locator(".messages, .message").first).to_contain_text("HBR-002 was opened")

    page.get_by_label("Message").fill("Switch ordered, fitting it Thursday.")
    page.get_by_label("Time spent (minutes)").fill("20")
    page.locator("#send-reply").click()
    expect(page.locator(".replies")).to_contain_text("Switch ordered")
    page.get_by_label("Message").fill("Old switch goes back to stock.")
    page.get_by_label("The team only (internal note)").check()
    page.locator("#send-reply").click()
    expect(page.locator(".reply.note")).to_contain_text("Old switch")
    expect(page.locator(".ticket-facts")).to_contain_text("20 minutes")
    check_a11y(page)
    shot(page, "ticket-1440")

    page.goto(f"{live_server.url}/a/acme/clients/{harbour.pk}/tickets/")
    rows = page.locator("#client-ticket-results tr[data-ticket]")
    expect(rows).to_have_count(2)
    first_printer = page.get_by_role("button", name="Preview HBR-001")
    first_printer.click()
    expect(first_printer).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#preview-row-" + str(Ticket.objects.get(seq=1).pk))).to_contain_text(
        "Since Monday."
    )
    check_a11y(page)
    shot(page, "client-tab-1440")

    page.goto(f"{live_server.url}/a/acme/tickets/board/")
    card = page.locator(f'.board-card[data-ticket="{job.pk}"]')
    expect(page.locator('[data-status="open"]')).to_contain_text("HBR-002")
    card.get_by_label("Move HBR-002 to").select_option("in_progress")
    expect(page.locator('[data-status="in_progress"]')).to_contain_text("HBR-002")
    job.refresh_from_db()
    assert job.status == "in_progress"
    check_a11y(page)
    shot(page, "board-1440")

    page.goto(f"{live_server.url}/a/acme/tickets/")
    expect(page.locator("#ticket-results tr[data-ticket]")).to_have_count(2)
    page.get_by_role("search", name="Filter tickets").get_by_label("Kind").select_option("job")
    expect(page.locator("#ticket-results tr[data-ticket]")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"kind=job"))
    check_a11y(page)
    shot(page, "list-1440")

    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (
        (f"/a/acme/tickets/{job.pk}/", "ticket-390"),
        ("/a/acme/tickets/", "list-390"),
        ("/a/acme/tickets/board/", "board-390"),
        (f"/a/acme/clients/{harbour.pk}/tickets/", "client-tab-390"),
    ):
        page.goto(live_server.url + path)
        wide = page.evaluate(
            """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.parentElement.closest('.table-wrap, .board-column')).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"""
        )
        sizes = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert no_sideways_scroll(page), (path, wide, sizes)
        shot(page, name)


def test_ticket_settings_rename_a_step_and_add_a_holiday(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, cast.admin.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/settings/tickets/")
    expect(page.get_by_role("heading", name="Business hours")).to_be_visible()
    page.get_by_label("Saturday", exact=True).check()
    page.get_by_label("Waiting on client").fill("Waiting for you")
    check_a11y(page)
    page.locator("#save-ticket-settings").click()
    expect(page.locator(".message").first).to_contain_text("Ticket settings saved.")
    expect(page.get_by_label("Waiting on client")).to_have_value("Waiting for you")
    page.get_by_label("Date").fill("2026-12-25")
    page.get_by_label("Name", exact=True).fill("Christmas")
    page.locator("#add-holiday").click()
    expect(page.locator(".holiday-list")).to_contain_text("Christmas")
    shot(page, "settings-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert no_sideways_scroll(page)
    shot(page, "settings-390")
