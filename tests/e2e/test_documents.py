"""The Files tab in a real browser: choose two files at once, name each, upload them with
progress, download one and check its bytes; share one with the portal and see only that one
there, where the portal user sends a file back. Screenshots at 1440 and 390 px."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clientdesk.documents.models import Document
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.7\n% the service contract\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_upload_two_files_at_once_download_one_and_share_it(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    alpha = cast.portal_a.client
    page.set_viewport_size(WIDE)
    sign_in(page, live_server, cast.technician.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{alpha.pk}/")
    page.get_by_role("navigation", name="Client sections").get_by_role("link", name="Files").click()
    expect(page.get_by_text("No files for this client yet.")).to_be_visible()

    page.get_by_label("Files to upload").set_input_files(
        [
            {"name": "contract.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "rack.png", "mimeType": "image/png", "buffer": PNG},
        ]
    )
    queue = page.locator("[data-upload-queue] .upload-row")
    expect(queue).to_have_count(2)
    expect(queue.nth(0).get_by_label("Name")).to_have_value("contract")
    queue.nth(0).get_by_label("Name").fill("Service contract 2026")
    queue.nth(1).get_by_label("Name").fill("Rack photo")
    check_a11y(page)
    shot(page, "queue-1440")
    page.locator("#upload-submit").click()

    rows = page.locator(".documents-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Rack photo")
    expect(rows.nth(1)).to_contain_text("Service contract 2026")
    expect(rows.nth(0).locator(".doc-thumb img")).to_be_visible()  # an image previews
    assert Document.objects.count() == 2

    with page.expect_download() as info:
        page.get_by_role("link", name="Download Service contract 2026").click()
    download = info.value
    assert download.suggested_filename == "contract.pdf"
    assert Path(download.path()).read_bytes() == PDF

    page.get_by_role("button", name="Share Service contract 2026 with the portal").click()
    expect(page.get_by_text("Service contract 2026 is shared with the portal.")).to_be_visible()
    check_a11y(page)
    shot(page, "tab-1440")
    page.set_viewport_size(PHONE)
    shot(page, "tab-390")

    # The portal: only the shared one; Ada sends one back, and staff see who sent it.
    page.context.clear_cookies()
    page.set_viewport_size(WIDE)
    page.goto(f"{live_server.url}/portal/sign-in/")
    page.get_by_label("Email").fill(cast.portal_a.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Documents").click()
    listed = page.locator(".portal-documents li")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text("Service contract 2026")
    page.get_by_label("Files to upload").set_input_files(
        [{"name": "signed.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("[data-upload-queue] .upload-row").get_by_label("Name").fill("Signed contract")
    page.locator("#upload-submit").click()
    expect(listed).to_have_count(2)
    expect(listed.first).to_contain_text("Signed contract")
    check_a11y(page)
    shot(page, "portal-1440")
    page.set_viewport_size(PHONE)
    shot(page, "portal-390")


DROP = """([files]) => {
  const transfer = new DataTransfer();
  for (const [name, text] of files) transfer.items.add(new File([text], name));
  const area = document.querySelector("[data-drop-area]");
  area.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
}"""


def test_dropped_files_upload_and_a_renamed_program_stays_with_its_reason(
    page: Page, live_server, cast, sign_in, shot, browser_errors, settings
):
    browser_errors.allow(r"status of 400 .*/files/upload/")  # the refused file's answer
    settings.DOCUMENTS_MAX_MB = 1
    alpha = cast.portal_a.client
    page.set_viewport_size(WIDE)
    sign_in(page, live_server, cast.technician.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{alpha.pk}/files/")
    big = "%PDF" + "0" * (1 << 20)
    files = [["notes.txt", "Wi-Fi: guest"], ["invoice.pdf", "MZ\u0090 a program"], ["big.pdf", big]]
    page.evaluate(DROP, [files])
    queue = page.locator("[data-upload-queue] .upload-row")
    expect(queue).to_have_count(3)
    # Too large: said at once, never sent.
    expect(queue.nth(2)).to_contain_text("Larger than 1.0")
    page.locator("#upload-submit").click()
    # The good one is listed (the list refreshed in place); the program stays, with its reason.
    expect(page.locator(".documents-table tbody tr")).to_have_count(1)
    expect(page.locator(".documents-table")).to_contain_text("notes")
    expect(queue).to_have_count(2)
    expect(queue.first).to_contain_text("invoice.pdf is a program or script")
    expect(queue.nth(1)).to_contain_text("Larger than 1.0")
    shot(page, "refused-1440")
    assert list(Document.objects.values_list("filename", flat=True)) == ["notes.txt"]
