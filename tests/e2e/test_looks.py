"""How the pages look and read (issue 12, point 11): the sign-in, reset and invitation cards
sit in the middle of the window; sort arrows sit beside their labels on right-aligned columns;
the column chooser is a menu; the profile menu shows the email as typed and leads to the
person's profile page."""

import re

import pytest
from playwright.sync_api import Page, expect

from clientdesk.contacts.services import contact_create
from clientdesk.core.models import Message
from clientdesk.core.services import membership_add, user_create
from clientdesk.portal.services import portal_invite
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

WIDTHS = {"wide": 1440, "narrow": 390}
NO_SIDEWAYS_SCROLL = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
)


def assert_centred(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    width = page.evaluate("() => document.documentElement.clientWidth")
    left, right = box["x"], width - (box["x"] + box["width"])
    assert abs(left - right) <= 2, (selector, left, right)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_sign_in_reset_and_invitation_cards_are_centred(
    page: Page, live_server, cast, shot, check_a11y, width
):
    client = make_client(cast, prefix="CEN", name="Centre Ltd")
    contact = contact_create(
        client=client, actor=None, first_name="Cleo", email="cleo@centre.example", is_primary=True
    )
    portal_invite(client=client, actor=cast.manager.user, contact=contact)
    body = Message.objects.get(kind="portal_invitation").body_text
    accept_path = re.search(r"https?://[^/\s]+(/portal/invitations/[^/\s]+/)", body).group(1)

    page.set_viewport_size({"width": width, "height": 900})
    for name, path in [
        ("sign-in", "/sign-in/"),
        ("reset", "/password-reset/"),
        ("portal-sign-in", "/portal/sign-in/"),
        ("portal-accept", accept_path),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_centred(page, "main.auth > .card")
        check_a11y(page)
        shot(page, f"{name}-{width}")


def test_the_sign_in_error_says_capitals_count_only_in_the_password(
    page: Page, live_server, cast, shot
):
    page.goto(f"{live_server.url}/sign-in/")
    page.locator("#id_username").fill(cast.viewer.user.email.upper())
    page.locator("#id_password").fill(PASSWORD.upper())
    page.get_by_role("button", name="Sign in", exact=True).click()
    error = page.locator(".form-errors")
    expect(error).to_have_text(
        "The email or the password is wrong. Capitals count in the password, not in the email."
    )
    assert "case-sensitive" not in page.content()
    shot(page, "error")


def test_the_column_chooser_is_a_menu_and_sort_arrows_sit_beside_right_aligned_labels(
    page: Page, live_server, cast, sign_in, shot, check_a11y
):
    make_client(cast, prefix="AAA", name="Alpha")
    make_client(cast, prefix="BBB", name="Beta")
    sign_in(page, live_server, cast.viewer.user.email, PASSWORD)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/a/acme/clients/")

    chooser = page.locator("details.column-chooser")
    chooser.locator("summary").click()
    items = chooser.locator(".menu-items")
    expect(items).to_be_visible()
    # A menu: a raised panel under its button, aligned to it, that the page does not reflow for.
    look = items.evaluate(
        """(el) => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
            const b = el.parentElement.querySelector('summary').getBoundingClientRect();
            return {position: s.position, shadow: s.boxShadow, top: r.top, below: b.bottom,
                    right: r.right, buttonRight: b.right, viewport: innerWidth}; }"""
    )
    assert look["position"] == "absolute" and look["shadow"] != "none", look
    assert look["below"] <= look["top"] <= look["below"] + 8, look
    assert abs(look["right"] - look["buttonRight"]) <= 1 and look["right"] <= look["viewport"]
    expect(chooser.locator("summary .icon").last).to_be_visible()  # a chevron says it opens
    check_a11y(page)
    shot(page, "column-chooser")

    chooser.get_by_label("Created").check()
    expect(page.locator("th.col-created")).to_be_visible()
    chooser.get_by_label("Status since").check()
    expect(page.locator("th.col-status_since")).to_be_visible()
    page.keyboard.press("Escape")
    page.wait_for_load_state("networkidle")
    for key in ("created", "status_since"):
        header = page.locator(f"th.col-{key}")
        link = header.locator("a.sort")
        label_right = link.locator(".sort-label").evaluate(
            "(el) => el.getBoundingClientRect().right"
        )
        arrow = link.locator(".icon").bounding_box()
        th = header.bounding_box()
        # The arrow right after its label, and the two at the cell's right edge, above the numbers.
        assert 0 <= arrow["x"] - label_right <= 8, (key, label_right, arrow)
        padding = header.evaluate("(th) => parseFloat(getComputedStyle(th).paddingRight)")
        assert abs((arrow["x"] + arrow["width"]) - (th["x"] + th["width"] - padding)) <= 2, key
    shot(page, "right-aligned-sorts")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_profile_menu_shows_the_email_as_typed_and_leads_to_the_profile_page(
    page: Page, live_server, cast, sign_in, shot, check_a11y, width, browser_errors
):
    browser_errors.allow(r"status of 400 .*/profile/password/")  # the form answers 400
    person = user_create(email="Ada.Lovelace@Example.ORG", password=PASSWORD, name="Ada Lovelace")
    membership_add(account=cast.account, user=person, role="manager", actor=None)
    membership_add(account=cast.other_account, user=person, role="viewer", actor=None)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "ada.lovelace@example.org", PASSWORD)  # any case signs in
    page.goto(f"{live_server.url}/a/acme/")
    menu = page.locator("details.profile-menu")
    menu.locator("summary").click()
    expect(menu.locator("[data-profile-email]")).to_have_text("Ada.Lovelace@Example.ORG")
    check_a11y(page)
    shot(page, f"menu-{width}")
    menu.get_by_role("link", name="Your profile").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    accounts = page.locator("table.profile-accounts tbody tr")
    expect(accounts).to_have_count(2)
    expect(accounts.filter(has_text="Acme IT")).to_contain_text("Manager")
    expect(accounts.filter(has_text="Globex Services")).to_contain_text("Viewer")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    check_a11y(page)
    shot(page, f"profile-{width}")

    page.locator("#id_old_password").fill("not-the-password")
    page.get_by_label("New password", exact=True).fill("a-longer-new-secret-42")
    page.get_by_label("New password confirmation").fill("a-longer-new-secret-42")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#id_old_password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("This is not your current password.")).to_be_visible()
    check_a11y(page)
    shot(page, f"profile-error-{width}")
