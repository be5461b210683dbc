"""Contacts imported from a client's Contacts tab in a real browser (issue 12, points 6 and 10):
*Import contacts* opens the import with the client fixed, a file without a client column is
checked, a colleague's change outdates the check (Check again), the checked file runs, and the
import history holds one entry for the check and the run."""

import re

import pytest
from playwright.sync_api import Page, expect

from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create, contact_update
from clientdesk.transfer.models import ImportJob
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 390, "height": 844}
RESULT_TIMEOUT = 60_000  # ms
# No client column: every row is a contact of the client the import was opened from.
FILE = (
    "First name,Last name,Email,Job title\r\n"
    "Ann,Smith,ann@harbour.example,Practice owner\r\n"  # updates Ann
    "Eve,Moreau,eve@harbour.example,Practice manager\r\n"  # new
    "Bad,Row,not-an-email,\r\n"  # rejected
)


def both_sizes(page: Page, shot, name: str) -> None:
    """Screenshots at 1440 px and 390 px wide, then back to wide."""
    shot(page, f"{name}-1440")
    page.set_viewport_size(NARROW)
    shot(page, f"{name}-390")
    page.set_viewport_size(WIDE)


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


def test_import_contacts_from_the_contacts_tab_check_then_run_one_history_entry(
    page: Page, live_server, cast, harbour, sign_in, check_a11y, shot, worker
):
    page.set_viewport_size(WIDE)
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{harbour.pk}/contacts/")
    entry = page.get_by_role("link", name="Import contacts")
    expect(entry).to_be_visible()
    both_sizes(page, shot, "1-tab")
    entry.click()

    # The import, the client fixed: shown, not a choice.
    expect(page.get_by_role("heading", name="Import contacts into Harbour Dental")).to_be_visible()
    expect(page.locator("#import-into")).to_contain_text("Contacts of Harbour Dental (HBR)")
    expect(page.get_by_role("radio", name="Clients")).to_have_count(0)
    check_a11y(page)
    both_sizes(page, shot, "2-upload")
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "harbour-people.csv", "mimeType": "text/csv", "buffer": FILE.encode()}]
    )
    page.get_by_role("button", name="Upload and choose columns").click()

    # The columns: no client column, and none missing.
    expect(page.get_by_role("heading", name="Choose the columns")).to_be_visible()
    expect(page.locator("#fixed-client")).to_contain_text("Harbour Dental (HBR)")
    expect(page.locator("#missing-required")).to_have_count(0)
    expect(page.get_by_label("Email")).to_have_value("email")
    check_a11y(page)
    both_sizes(page, shot, "3-columns")
    page.get_by_role("button", name="Check the file").click()

    worker()
    expect(page.get_by_role("heading", name="What the import would do")).to_be_visible(
        timeout=RESULT_TIMEOUT
    )
    counts = page.locator(".import-counts")
    expect(counts.locator(".created dd")).to_have_text("1")
    expect(counts.locator(".updated dd")).to_have_text("1")
    expect(counts.locator(".rejected dd")).to_have_text("1")
    expect(page.locator(".errors-table tbody tr")).to_contain_text("not-an-email")
    check_a11y(page)
    both_sizes(page, shot, "4-check")

    # A colleague changes Ann meanwhile: the check no longer holds; check again.
    ann = Contact.objects.get(client=harbour, email="ann@harbour.example")
    contact_update(contact=ann, actor=cast.technician.user, version=None, phone="+44 1")
    page.reload()
    expect(page.locator("#check-outdated")).to_contain_text("Harbour Dental or its contacts")
    expect(page.get_by_role("button", name="Run import…")).to_have_count(0)
    check_a11y(page)
    both_sizes(page, shot, "5-outdated")
    page.get_by_role("button", name="Check again").click()
    expect(page.get_by_role("heading", name="What the import would do")).to_be_visible(
        timeout=RESULT_TIMEOUT
    )
    expect(page.locator("#check-outdated")).to_have_count(0)

    # Run the checked file: the same import goes on.
    checked_url = page.url
    page.get_by_role("button", name="Run import…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Create 1 contact and update 1?")
    dialog.get_by_role("button", name="Create 1 contact and update 1").click()
    expect(page.get_by_role("heading", name="What the import did")).to_be_visible(
        timeout=RESULT_TIMEOUT
    )
    assert page.url == checked_url
    expect(page.locator(".import-facts")).to_contain_text("then imported")
    check_a11y(page)
    both_sizes(page, shot, "6-done")

    # The contacts are the client's; the history has one entry: checked, then imported.
    page.get_by_role("link", name="Go to the contacts of Harbour Dental").click()
    expect(page).to_have_url(re.compile(rf"/clients/{harbour.pk}/contacts/"))
    expect(page.locator("#contact-results tbody tr")).to_have_count(2)
    expect(page.locator("#contact-results")).to_contain_text("Practice manager")
    page.get_by_role("link", name="Import contacts").click()
    history = page.locator(".history-table tbody tr")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("harbour-people.csv")
    expect(history).to_contain_text("Contacts of Harbour Dental")
    expect(history.locator(".state-steps")).to_have_text(re.compile(r"Checked\s+then\s+Imported"))
    check_a11y(page)
    both_sizes(page, shot, "7-history")
    assert ImportJob.objects.count() == 1
