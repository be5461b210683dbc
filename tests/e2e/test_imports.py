"""Bulk import in a real browser: from the Add client menu, download the template, upload a
file with mistakes, change a column's field, read the check, run the import, watch the
progress bar fill in place while a real task worker writes, and download the error report."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clientdesk.clients.models import Client
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

GOOD_ROWS = 12_000  # enough batches for the bar to be seen moving at one poll a second
RESULT_TIMEOUT = 120_000  # ms: the whole file, checked or written, on a slow machine


def file_with_mistakes() -> bytes:
    """An export from "another tool": Windows-1252, semicolons, CRLF, a header nobody knows
    ("Ref"), and three bad rows among many good ones."""
    lines = [
        "Ref;Client name;Stage;Favourite colour",
        "CAFE;Café Zürich;Active;blue",
        "NONAME;;Active;red",  # row 3: no name
        "BADSTAT;Bad Status;Sleeping;green",  # row 4: no such status
        "TOOLONGPREFIX1;Too Long;Active;",  # row 5: a prefix of 14 characters
    ]
    lines += [f"P{n:05d};Client {n};Lead;" for n in range(1, GOOD_ROWS + 1)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


# In the page: the progress bar's values as htmx swaps it in, and a marker that only a full
# page load would lose. page.evaluate is not subject to the page's CSP.
WATCH = """() => {
  window.__progressSeen = [];
  window.__samePage = true;
  setInterval(() => {
    const bar = document.querySelector("#import-progress");
    const seen = window.__progressSeen;
    if (bar && seen[seen.length - 1] !== bar.value) seen.push(bar.value);
  }, 100);
}"""


def test_import_a_messy_file_from_template_to_error_report(
    page: Page, live_server, cast, sign_in, check_a11y, shot, worker, tmp_path
):
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/")
    page.locator(".add-client-menu summary").click()
    page.get_by_role("link", name="Bulk import").click()

    # The Bulk import page, Clients chosen, the focus on the first control.
    expect(page.get_by_role("heading", name="Bulk import", level=1)).to_be_visible()
    expect(page.get_by_label("Clients", exact=True)).to_be_checked()
    expect(page.get_by_label("Clients", exact=True)).to_be_focused()
    expect(page.get_by_text("up to 50.0 MB")).to_be_visible()
    check_a11y(page)
    shot(page, "1-upload")

    # The template: the columns Clientdesk knows.
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV template for Clients").click()
    template = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(template)))
    assert header[:2] == ["Prefix", "Name"] and "Status" in header

    # Upload a file of our own, with mistakes.
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "old-crm.csv", "mimeType": "text/csv", "buffer": file_with_mistakes()}]
    )
    page.get_by_label("Create and update").check()
    page.get_by_role("button", name="Upload and choose columns").click()

    # The columns: "Ref" was not recognised; it holds the prefix, which is required.
    expect(page.get_by_role("heading", name="Choose the columns")).to_be_visible()
    expect(page.locator("#missing-required")).to_contain_text("Prefix")
    expect(page.locator("#unknown-columns")).to_contain_text("Ref, Favourite colour")
    ref = page.get_by_label("Ref")
    expect(ref).to_be_focused()
    expect(ref).to_have_value("")
    expect(page.get_by_label("Client name")).to_have_value("name")
    expect(page.get_by_label("Stage")).to_have_value("status")
    check_a11y(page)
    shot(page, "2-columns")
    ref.select_option("prefix")
    page.get_by_role("button", name="Check the file").click()

    # The check runs in the background; the bar is there before the worker starts.
    bar = page.locator("#import-progress")
    expect(bar).to_be_visible()
    expect(page.locator("#import-status")).to_contain_text("Waiting for a worker")
    check_a11y(page)
    shot(page, "3-check-queued")
    worker()
    result = page.get_by_role("heading", name="What the import would do")
    expect(result).to_be_visible(timeout=RESULT_TIMEOUT)

    # The check: counts, and every rejected row with its row number, column and reason.
    counts = page.locator(".import-counts")
    expect(counts.locator(".rows dd")).to_have_text(f"{GOOD_ROWS + 4:,}")
    expect(counts.locator(".rejected dd")).to_have_text("3")
    expect(counts.locator(".created dd")).to_have_text(f"{GOOD_ROWS + 1:,}")
    errors = page.locator(".errors-table tbody tr")
    by_row = {}
    for cells in errors.evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.innerText))"):
        by_row.setdefault(int(cells[0]), []).append(cells[1:])
    assert sorted(by_row) == [3, 4, 5], by_row
    assert by_row[3][0][:2] == ["Client name", "(empty)"]
    assert any(column == "Stage" and value == "Sleeping" for column, value, _ in by_row[4])
    assert any(column == "Ref" and value == "TOOLONGPREFIX1" for column, value, _ in by_row[5])
    assert Client.objects.filter(account=cast.account).count() == 0  # nothing written
    check_a11y(page)
    shot(page, "4-check")

    # Run it, after one confirmation that says what will happen.
    page.get_by_role("button", name="Run import…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text(f"Create {GOOD_ROWS + 1:,} clients?")
    expect(dialog).to_contain_text("3 rejected rows are skipped")
    check_a11y(page)
    shot(page, "5-confirm")
    dialog.get_by_role("button", name=f"Create {GOOD_ROWS + 1:,} clients").click()

    # The progress bar fills in place (htmx polling), then the result replaces it.
    expect(page.get_by_role("heading", name="Importing…")).to_be_visible()
    page.evaluate(WATCH)
    page.wait_for_function(
        "() => { const bar = document.querySelector('#import-progress'); return !bar || bar.value > 0 }",
        timeout=RESULT_TIMEOUT,
    )
    shot(page, "6-running")  # mid-run on any machine where the file takes over a second
    expect(page.get_by_role("heading", name="What the import did")).to_be_visible(
        timeout=RESULT_TIMEOUT
    )
    seen = page.evaluate("() => window.__progressSeen")
    assert page.evaluate("() => window.__samePage"), "the page was reloaded"
    assert seen == sorted(seen), seen
    assert "hx-trigger" not in page.locator("#import-status").evaluate("e => e.outerHTML")
    expect(page.locator(".import-counts .created dd")).to_have_text(f"{GOOD_ROWS + 1:,}")
    check_a11y(page)
    shot(page, "7-done")

    # The error report: the three rows as they were, plus why.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the error report (CSV)").click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Ref", "Client name", "Stage", "Favourite colour", "Error"]
    assert [r[0] for r in rows[1:]] == ["NONAME", "BADSTAT", "TOOLONGPREFIX1"]
    assert all(r[4] for r in rows[1:])

    # The good rows are clients now, accents intact; the history has one entry: the check
    # and its run are one import.
    assert Client.objects.get(account=cast.account, prefix="CAFE").name == "Café Zürich"
    page.get_by_role("link", name="Import another file").click()
    history = page.locator(".history-table tbody tr")
    expect(history).to_have_count(1)
    expect(history.nth(0)).to_contain_text("Checked then Imported")
    shot(page, "8-history")
