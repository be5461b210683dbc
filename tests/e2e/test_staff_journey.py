"""A member of staff in a real browser: signing in, switching accounts, inviting a teammate."""

import re

import pytest
from playwright.sync_api import Page, expect

from clientdesk.core.services import membership_add
from tests.factories import PASSWORD

NEWBIE_EMAIL = "newbie@example.com"
NEWBIE_NAME = "Nia Newbie"
NEWBIE_PASSWORD = "lantern-orchard-quietly-47"

pytestmark = pytest.mark.usefixtures("transactional_db")


def account_url(live_server, slug: str, rest: str = "") -> str:
    return f"{live_server.url}/a/{slug}/{rest}"


def user_menu(page: Page):
    """The top-right menu whose summary shows the signed-in person's name."""
    return page.locator("header.topbar details.menu:not([data-account-switcher])")


def test_sign_in_with_the_right_password_lands_on_the_account_home(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    page.goto(f"{live_server.url}/sign-in/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("#id_username")).to_be_focused()
    check_a11y(page)
    shot(page, "sign-in")

    sign_in(page, live_server, cast.owner.user.email, PASSWORD)

    expect(page).to_have_url(account_url(live_server, "acme"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme IT")
    expect(user_menu(page).locator("summary")).to_have_text(
        f"Your profile: {cast.owner.user.display_name}"
    )
    check_a11y(page)
    shot(page, "account-home")


def test_sign_in_with_a_wrong_password_shows_an_error_and_stays(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    sign_in(page, live_server, cast.owner.user.email, "not-the-password")

    expect(page).to_have_url(f"{live_server.url}/sign-in/")
    form = page.locator("main form")
    error = form.get_by_role("alert")
    expect(error).to_be_visible()
    expect(error).to_contain_text("The email or the password is wrong.")
    # The form keeps the email and asks again; nobody is signed in.
    expect(page.locator("#id_username")).to_have_value(cast.owner.user.email)
    expect(page.locator("#id_password")).to_have_value("")
    expect(user_menu(page)).to_have_count(0)
    check_a11y(page)
    shot(page, "sign-in-error")


def test_switch_account_moves_to_the_other_account(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    owner = cast.owner.user
    membership_add(account=cast.other_account, user=owner, role="manager", actor=cast.outsider.user)
    sign_in(page, live_server, owner.email, PASSWORD)
    page.goto(account_url(live_server, "acme"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme IT")

    switcher = page.locator("details[data-account-switcher]")
    switcher.locator("summary").click()
    menu = switcher.locator(".menu-items")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link")).to_have_count(2)
    check_a11y(page)
    shot(page, "switcher-open")

    menu.get_by_role("link", name=re.compile("Globex Services")).click()

    expect(page).to_have_url(account_url(live_server, "globex"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Globex Services")
    expect(switcher.locator("summary")).to_contain_text("Globex Services")
    check_a11y(page)
    shot(page, "other-account")


def test_invite_journey(
    page: Page,
    live_server,
    cast,
    settings,
    run_tasks,
    new_context,
    browser_errors,
    sign_in,
    check_a11y,
    shot,
):
    # Links in emails start with BASE_URL; point it at this live server.
    settings.BASE_URL = live_server.url

    # The owner invites a technician from Settings › Team.
    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    expect(page).to_have_url(account_url(live_server, "acme"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page).to_have_url(account_url(live_server, "acme", "settings/"))
    check_a11y(page)
    shot(page, "settings-account")

    tabs = page.get_by_role("navigation", name="Settings sections")
    tabs.get_by_role("link", name="Team").click()
    expect(page).to_have_url(account_url(live_server, "acme", "settings/team/"))
    check_a11y(page)
    shot(page, "team")

    page.get_by_role("button", name="Invite a teammate").click()
    dialog = page.get_by_role("dialog", name="Invite a teammate")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Email")).to_be_focused()
    check_a11y(page)
    shot(page, "team-invite-dialog")

    dialog.get_by_label("Email").fill(NEWBIE_EMAIL)
    dialog.get_by_label("Role").select_option(label="Technician")
    dialog.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(account_url(live_server, "acme", "settings/team/"))
    expect(dialog).to_be_hidden()
    open_invitations = page.locator(
        "h2:text-is('Open invitations') + .table-wrap table tbody tr", has_text=NEWBIE_EMAIL
    )
    expect(open_invitations).to_have_count(1)
    expect(open_invitations).to_contain_text("Technician")
    check_a11y(page)
    shot(page, "team-invited")

    # The worker delivers the email; in development it stays in the Outbox.
    run_tasks()

    tabs.get_by_role("link", name="Outbox").click()
    expect(page).to_have_url(account_url(live_server, "acme", "settings/outbox/"))
    row = page.locator("table tbody tr", has_text=NEWBIE_EMAIL)
    expect(row).to_have_count(1)
    check_a11y(page)
    shot(page, "outbox")

    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/a/acme/settings/outbox/\d+/$"))
    expect(page.locator("dd", has_text=NEWBIE_EMAIL)).to_be_visible()
    # The HTML body renders in its sandboxed frame (a full-page screenshot leaves it blank).
    mail_html = page.frame_locator("iframe.mail-html")
    expect(mail_html.get_by_role("heading", name="Join Acme IT")).to_be_visible()
    check_a11y(page)
    shot(page, "outbox-message")

    link = page.locator("[data-mail-text] a", has_text="/invitations/")
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href is not None
    assert re.fullmatch(re.escape(live_server.url) + r"/invitations/[^/]+/", href), href

    # The newcomer opens the link in their own browser.
    newbie = new_context().new_page()
    browser_errors.watch(newbie)
    newbie.goto(href)
    expect(newbie.get_by_role("heading", level=1)).to_have_text("Join Acme IT")
    expect(newbie.get_by_text(NEWBIE_EMAIL)).to_be_visible()
    check_a11y(newbie)
    shot(newbie, "invitation")

    newbie.get_by_label("Your name").fill(NEWBIE_NAME)
    newbie.locator("#id_new_password1").fill(NEWBIE_PASSWORD)
    newbie.locator("#id_new_password2").fill(NEWBIE_PASSWORD)
    newbie.get_by_role("button", name="Set password and join").click()

    expect(newbie).to_have_url(account_url(live_server, "acme"))
    expect(user_menu(newbie).locator("summary")).to_have_text(f"Your profile: {NEWBIE_NAME}")
    expect(newbie.get_by_role("heading", name=f"Welcome, {NEWBIE_NAME}")).to_be_visible()
    expect(newbie.get_by_text("You are signed in as Technician")).to_be_visible()
    check_a11y(newbie)
    shot(newbie, "newbie-home")

    # Sign out through the user menu, then sign in again with the new password.
    user_menu(newbie).locator("summary").click()
    user_menu(newbie).get_by_role("button", name="Sign out").click()
    expect(newbie).to_have_url(f"{live_server.url}/sign-in/")
    expect(user_menu(newbie)).to_have_count(0)
    shot(newbie, "signed-out")

    sign_in(newbie, live_server, NEWBIE_EMAIL, NEWBIE_PASSWORD)
    expect(newbie).to_have_url(account_url(live_server, "acme"))
    expect(user_menu(newbie).locator("summary")).to_have_text(f"Your profile: {NEWBIE_NAME}")
    expect(newbie.get_by_role("link", name="Settings")).to_have_count(0)

    # A technician may not manage the team.
    browser_errors.allow(r"status of 403")
    response = newbie.goto(account_url(live_server, "acme", "settings/team/"))
    assert response is not None
    assert response.status == 403
    expect(newbie.get_by_role("heading", name="Your role does not allow this")).to_be_visible()
    expect(newbie.locator("tr[data-member]")).to_have_count(0)
    check_a11y(newbie)
    shot(newbie, "team-forbidden")
