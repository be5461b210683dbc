"""Exports in a real browser: the Clients page's Export menu downloads what the page shows
(its tab and its columns), formula-like names made inert in CSV and plain text in XLSX; the
"imports back unchanged" file goes through the Bulk import page and changes nothing."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clientdesk.clients.models import Client
from tests.clients.factories import make_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_export_the_clients_as_shown_and_import_them_back_unchanged(
    page: Page, live_server, cast, sign_in, check_a11y, shot, tmp_path, worker
):
    make_client(cast.account, prefix="SAFE", name="Société Sûre")
    make_client(cast.account, prefix="EVIL", name='=HYPERLINK("http://x")')
    make_client(cast.account, prefix="LEAD", name="Only a lead", status="lead")
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/?tab=active")

    page.locator("#clients-export summary").click()
    expect(page.locator("#clients-export [data-export='shown-csv']")).to_be_visible()
    check_a11y(page)
    shot(page, "1-menu")
    with page.expect_download() as download:
        page.locator("#clients-export [data-export='shown-csv']").click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    names = {cell for row in rows[1:] for cell in row}
    assert "Société Sûre" in names and '\'=HYPERLINK("http://x")' in names
    assert "Only a lead" not in names  # the Active tab, as shown

    page.locator("#clients-export summary").click()
    with page.expect_download() as download:
        page.locator("#clients-export [data-export='shown-xlsx']").click()
    with zipfile.ZipFile(download.value.path()) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" in sheet

    # The re-import file, through the Bulk import page: nothing changes.
    page.locator("#clients-export summary").click()
    with page.expect_download() as download:
        page.locator("#clients-export [data-export='import-csv']").click()
    again = tmp_path / "clients.csv"
    again.write_bytes(Path(download.value.path()).read_bytes())
    before = list(Client.objects.order_by("pk").values())
    page.goto(f"{live_server.url}/a/acme/imports/?kind=clients")
    page.get_by_label("File", exact=True).set_input_files(str(again))
    page.get_by_label("Create and update").check()
    page.get_by_role("button", name="Upload and choose columns").click()
    page.get_by_role("button", name="Check the file").click()
    worker()  # the check runs as a job, in the real worker
    counts = page.locator(".import-counts")
    expect(counts.locator(".unchanged dd")).to_have_text("2")
    expect(counts.locator(".rejected dd")).to_have_text("0")
    shot(page, "2-reimport-check")
    assert list(Client.objects.order_by("pk").values()) == before
