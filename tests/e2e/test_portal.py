"""The client portal in a real browser, with invitations delivered by a real SMTP server:
staff invite from the client page, the contact opens the link from the received email, sets a
password, lands in their portal, signs out and in again, and, invited by a second client,
switches between the two."""

import re

import pytest
from playwright.sync_api import Page, expect

from clientdesk.contacts.services import contact_create
from clientdesk.portal.services import portal_invite
from tests.clients.factories import make_client
from tests.core.test_emails import smtp  # noqa: F401 - the real SMTP server fixture
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

ANN_EMAIL = "ann@harbour.example"
ANN_PASSWORD = "lantern-orchard-quietly-47"


def received_link(smtp, index: int) -> str:  # noqa: F811
    rcpt, mail = smtp.messages[index]
    assert rcpt == [ANN_EMAIL]
    text = mail.get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/portal/invitations/[^/\s]+/)", text).group(1)


def portal_user_menu(page: Page):
    return page.locator("details[data-portal-user]")


def test_invitation_to_portal_sign_out_sign_in_and_switch_client(
    page: Page,
    live_server,
    cast,
    smtp,  # noqa: F811
    run_tasks,
    browser_errors,
    sign_in,
    check_a11y,
    shot,
):
    harbour = make_client(cast, prefix="HBR", name="Harbour Dental")
    contact_create(client=harbour, actor=None, first_name="Ann", last_name="Smith", email=ANN_EMAIL)
    contact_create(client=harbour, actor=None, first_name="Ben", last_name="Ortiz", title="IT")
    quay = make_client(cast, prefix="QUAY", name="Quay Labs")
    ann_at_quay = contact_create(
        client=quay, actor=None, first_name="Ann", last_name="Smith", email=ANN_EMAIL
    )

    # Staff send the invitation from the client page.
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{harbour.pk}/")
    page.locator("button[data-invite]").click()
    page.wait_for_load_state("load")
    run_tasks()
    assert len(smtp.messages) == 1
    link = received_link(smtp, 0)

    # The contact opens the link from the received email, in their own browser.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="Your client portal")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Harbour Dental")
    check_a11y(page)
    shot(page, "invitation")
    page.get_by_label("New password", exact=True).fill(ANN_PASSWORD)
    page.get_by_label("New password confirmation").fill(ANN_PASSWORD)
    page.get_by_role("button", name="Set password and open the portal").click()

    expect(page).to_have_url(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour Dental")
    expect(page.locator(".portal-top")).to_contain_text("Acme IT")
    expect(page.locator("#shared-heading")).to_be_visible()
    check_a11y(page)
    shot(page, "home")

    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
    expect(page.locator("table")).to_contain_text("Ben Ortiz")
    check_a11y(page)
    shot(page, "contacts")
    page.get_by_role("button", name="Deactivate Ben Ortiz").click()
    dialog = page.get_by_role("dialog", name="Deactivate Ben Ortiz?")
    expect(dialog).to_be_visible()
    check_a11y(page)
    shot(page, "deactivate-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile and password")
    check_a11y(page)
    shot(page, "profile")

    # Sign out, then in again through the portal's own sign-in.
    portal_user_menu(page).locator("summary").click()
    portal_user_menu(page).get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/portal/sign-in/")
    check_a11y(page)
    shot(page, "sign-in")
    page.get_by_label("Email").fill(ANN_EMAIL)
    page.get_by_label("Password").fill(ANN_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour Dental")

    # A second client invites the same person: one login, accepted while signed in.
    portal_invite(client=quay, actor=cast.manager.user, contact=ann_at_quay)
    run_tasks()
    page.goto(f"{live_server.url}{received_link(smtp, 1)}")
    page.get_by_role("button", name="Accept and open the portal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quay Labs")

    switcher = page.locator("details[data-portal-switcher]")
    expect(switcher.locator("summary")).to_contain_text("Quay Labs")
    switcher.locator("summary").click()
    expect(switcher.get_by_role("button")).to_have_count(2)
    check_a11y(page)
    shot(page, "switcher")
    switcher.get_by_role("button", name=re.compile("Harbour Dental")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour Dental")
    expect(switcher.locator("summary")).to_contain_text("Harbour Dental")
    shot(page, "switched")
    page.emulate_media(color_scheme="dark")
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Contacts").click()
    check_a11y(page)
    shot(page, "contacts-dark")

    # Nothing of staff is reachable from this session.
    browser_errors.allow(r"status of 404")
    response = page.goto(f"{live_server.url}/a/acme/clients/{harbour.pk}/")
    assert response.status == 404
