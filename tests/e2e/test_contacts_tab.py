"""The Contacts tab in a real browser: add a contact in the dialog and make it primary, see it
in the details panel, edit another in the dialog htmx brings, search, delete with a
confirmation; and the global search leading from a contact's email to its client."""

import re

import pytest
from playwright.sync_api import Page, expect

from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


def rows(page: Page):
    return page.locator("#contact-results tbody tr")


@pytest.fixture
def harbour(cast):
    client = make_client(cast, prefix="HBR", name="Harbour Dental")
    contact_create(
        client=client,
        actor=None,
        first_name="Ann",
        last_name="Smith",
        email="ann@harbour.example",
        title="Owner",
    )
    return client


def test_add_a_primary_contact_in_the_dialog_and_see_it_in_the_details_panel(
    page: Page, live_server, cast, harbour, sign_in, check_a11y, shot
):
    sign_in(page, live_server, cast.technician.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{harbour.pk}/")
    panel = page.locator(".key-contacts")
    expect(panel.locator('[data-key-contact="primary"]')).to_contain_text("Ann Smith")

    page.get_by_role("navigation", name="Client sections").get_by_role(
        "link", name="Contacts"
    ).click()
    expect(page).to_have_url(re.compile(rf"/clients/{harbour.pk}/contacts/$"))
    expect(page.locator("#tab-contacts")).to_have_attribute("aria-current", "page")
    expect(rows(page)).to_have_count(1)
    check_a11y(page)
    shot(page, "tab")

    page.get_by_role("button", name="Add contact").first.click()
    dialog = page.get_by_role("dialog", name="Add a contact to Harbour Dental")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("First name")).to_be_focused()
    dialog.get_by_label("First name").fill("Eve")
    dialog.get_by_label("Last name").fill("Moreau")
    dialog.get_by_label("Email").fill("eve@harbour.example")
    dialog.get_by_label("Job title").fill("Practice manager")
    dialog.get_by_label("Phone").fill("+34 600 000 001")
    dialog.get_by_label("Street").fill("1 Quay Street")
    dialog.get_by_label("Postcode").fill("46001")
    dialog.get_by_label("City").fill("Valencia")
    dialog.get_by_label("Country").fill("Spain")
    dialog.get_by_label("Secondary contact").check()
    # Primary and secondary exclude each other: ticking one unticks the other.
    dialog.get_by_label("Primary contact").check()
    expect(dialog.get_by_label("Secondary contact")).not_to_be_checked()
    check_a11y(page)
    shot(page, "add-dialog")
    dialog.get_by_role("button", name="Add contact").click()

    expect(page.locator(".messages")).to_contain_text(
        "Eve Moreau was added to the contacts. They are now the primary contact."
    )
    expect(rows(page)).to_have_count(2)
    eve_row = rows(page).filter(has_text="Eve Moreau")
    expect(eve_row.locator(".badge.role")).to_have_text("Primary")
    expect(rows(page).filter(has_text="Ann Smith").locator(".badge.role")).to_have_count(0)
    expect(panel.locator('[data-key-contact="primary"]')).to_contain_text("Eve Moreau")
    expect(panel.locator('[data-key-contact="primary"]')).to_contain_text("Practice manager")
    expect(panel.locator('[data-key-contact="primary"]')).to_contain_text("+34 600 000 001")
    eve = Contact.objects.get(first_name="Eve")
    assert (eve.is_primary, eve.street, eve.country) == (True, "1 Quay Street", "Spain")
    check_a11y(page)
    shot(page, "added-primary")

    # The details panel of the Overview says the same.
    page.get_by_role("link", name="Overview").click()
    expect(page.locator('[data-key-contact="primary"]')).to_contain_text("Eve Moreau")
    expect(page.locator(".details-panel")).to_contain_text("All contacts")
    shot(page, "details-panel")


def test_edit_in_the_dialog_search_and_delete_with_a_confirmation(
    page: Page, live_server, cast, harbour, sign_in, check_a11y, shot
):
    for first in ("Bob", "Cleo"):
        contact_create(
            client=harbour, actor=None, first_name=first, email=f"{first}@harbour.example"
        )
    sign_in(page, live_server, cast.technician.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{harbour.pk}/contacts/")
    expect(rows(page)).to_have_count(3)

    # The edit dialog comes by htmx, filled in; the URL stays the list's.
    page.get_by_role("link", name="Edit Bob").click()
    dialog = page.get_by_role("dialog", name="Edit Bob")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Email")).to_have_value("bob@harbour.example")
    expect(page).to_have_url(re.compile(r"/contacts/$"))
    dialog.get_by_label("Job title").fill("Dentist")
    dialog.get_by_label("City").fill("Alicante")
    check_a11y(page)
    shot(page, "edit-dialog")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Changes to Bob saved.")
    expect(rows(page).filter(has_text="Bob")).to_contain_text("Dentist")

    # Searching updates the table in place and writes the search into the URL.
    page.locator("#contact-q").fill("cleo@")
    expect(page).to_have_url(re.compile(r"\?q=cleo%40$"))
    expect(rows(page)).to_have_count(1)

    # Deleting asks once, naming how many.
    page.get_by_role("link", name="Clear search").first.click()
    expect(rows(page)).to_have_count(3)
    page.get_by_label("Select Bob").check()
    page.get_by_label("Select Cleo").check()
    bar = page.locator("[data-bulk-bar]")
    expect(bar.locator("strong[data-bulk-count]")).to_have_text("2 selected")
    bar.get_by_role("button", name="Delete…").click()
    confirm = page.get_by_role("dialog", name="Delete 2 contacts?")
    expect(confirm).to_be_visible()
    check_a11y(page)
    shot(page, "delete-dialog")
    confirm.get_by_role("button", name="Delete 2 contacts").click()
    expect(page.locator(".messages")).to_contain_text("2 contacts deleted.")
    expect(rows(page)).to_have_count(1)

    # The primary contact cannot go while others remain: the service says why.
    contact_create(client=harbour, actor=None, first_name="Dan", email="dan@harbour.example")
    page.reload()
    page.get_by_label("Select every contact on this page").check()
    page.get_by_label("Select Dan").uncheck()
    bar.get_by_role("button", name="Delete…").click()
    page.get_by_role("dialog", name="Delete 1 contact?").get_by_role(
        "button", name="Delete 1 contact"
    ).click()
    expect(page.locator(".messages")).to_contain_text(
        "Ann Smith is the primary contact: make another contact primary before deleting."
    )
    expect(rows(page)).to_have_count(2)
    shot(page, "primary-kept")


def test_the_global_search_finds_a_contact_by_email_and_leads_to_its_client(
    page: Page, live_server, cast, harbour, sign_in, check_a11y, shot
):
    sign_in(page, live_server, cast.viewer.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/")
    page.keyboard.press("/")
    search = page.locator("[data-global-search]")
    search.fill("ann@harbour")
    search.press("Enter")
    block = page.locator(".contacts-matching")
    expect(block).to_contain_text("Ann Smith")
    expect(block).to_contain_text("Harbour Dental")
    check_a11y(page)
    shot(page, "found")
    block.get_by_role("link", name="Ann Smith").click()
    expect(page).to_have_url(re.compile(rf"/clients/{harbour.pk}/contacts/\?q=ann%40"))
    expect(rows(page)).to_have_count(1)
    expect(page.get_by_role("button", name="Add contact")).to_have_count(0)  # a viewer
    check_a11y(page)
    shot(page, "contact-tab-as-viewer")
