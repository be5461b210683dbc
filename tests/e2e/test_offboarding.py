"""Off-boarding in a real browser (issue 15): a manager starts it from the client page, ticks
the checklist (htmx) and watches the progress bar reach 100 %, completes it (the dialog names
what it does) and finds the client in the Clients page's Inactive tab, with Win back; the pages
at 1440 px and at 390 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clientdesk.clients.models import Client
from clientdesk.portal.models import PortalAccess
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_offboard_a_client_through_the_checklist(
    page: Page, live_server, cast, sign_in, check_a11y, shot
):
    access = cast.portal_a  # Alpha Corp, with Ada signed up to its portal
    client = access.client
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{client.pk}/")

    page.get_by_role("button", name="Start off-boarding").click()
    dialog = page.locator("#offboarding-start-dialog")
    expect(dialog).to_be_visible()
    on = timezone.localdate() + timedelta(days=30)
    dialog.get_by_label("Off-boarding date").fill(on.isoformat())
    dialog.get_by_label("Reason").select_option("moved_provider")
    dialog.get_by_label("Note").fill("Moving to Initech in July.")
    check_a11y(page)
    shot(page, "start-dialog-1440")
    dialog.get_by_role("button", name="Start off-boarding").click()

    expect(page.get_by_role("heading", name="Off-boarding of Alpha Corp")).to_be_visible()
    checklist = page.locator("#offboarding-checklist")
    bar = checklist.locator("progress")
    expect(bar).to_have_attribute("value", "0")
    expect(bar).to_have_attribute("max", "6")
    # It is in the Clients page's Off-boarding tab now (its columns join with the list's
    # column registry); back to the checklist from its row.
    page.goto(f"{live_server.url}/a/acme/clients/?tab=offboarding")
    expect(page.locator("tr[data-client='ALPHA'] .badge.status")).to_have_text("Off-boarding")
    page.goto(f"{live_server.url}/a/acme/clients/{client.pk}/")
    page.get_by_role("link", name="Off-boarding checklist").click()
    checklist = page.locator("#offboarding-checklist")
    boxes = checklist.get_by_role("checkbox")
    expect(boxes).to_have_count(6)
    for n in range(6):
        checklist.get_by_role("checkbox").nth(n).click()
        # The checklist comes back from the server with one more done.
        expect(page.locator("#offboarding-checklist progress")).to_have_attribute(
            "value", str(n + 1)
        )
        expect(
            page.locator("#offboarding-checklist").get_by_role("checkbox").nth(n)
        ).to_have_attribute("aria-checked", "true")
    expect(page.locator("#offboarding-checklist [data-percent-text]")).to_have_text("100 %")
    expect(page.locator("#offboarding-count")).to_have_text("6/6")  # the header's, too
    expect(page.locator("#offboarding-checklist")).to_contain_text(cast.manager.user.email)
    check_a11y(page)
    shot(page, "checklist-done-1440")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#offboarding-checklist progress")).to_be_visible()
    assert no_sideways_scroll(page)
    shot(page, "checklist-done-390")
    page.set_viewport_size({"width": 1440, "height": 900})

    page.get_by_role("button", name="Complete off-boarding").click()
    confirm = page.locator("#offboarding-complete-dialog")
    expect(confirm).to_contain_text("Alpha Corp becomes inactive.")
    expect(confirm).to_contain_text("1 portal user loses access")
    shot(page, "complete-dialog-1440")
    confirm.get_by_role("button", name="Complete off-boarding").click()
    expect(page.locator(".message.success")).to_contain_text("is now inactive")
    expect(page.locator("[data-state]")).to_have_text("Completed")

    assert Client.objects.get(pk=client.pk).status == "inactive"
    assert PortalAccess.objects.get(pk=access.pk).active is False

    page.goto(f"{live_server.url}/a/acme/clients/?tab=inactive")
    row = page.locator("tr[data-client='ALPHA']")
    expect(row).to_be_visible()
    expect(row.locator(".badge.status")).to_have_text("Inactive")
    shot(page, "inactive-tab-1440")

    # Win back from the client page: it comes back active with its history.
    page.goto(f"{live_server.url}/a/acme/clients/{client.pk}/")
    expect(page.locator("[data-offboarding-card]")).to_contain_text("Moved to another provider")
    page.get_by_role("button", name="Win back").click()
    win = page.locator("#win-back-dialog")
    win.get_by_label("Active").check()
    check_a11y(page)
    shot(page, "win-back-1440")
    win.get_by_role("button", name="Win back").click()
    expect(page.locator(".message.success")).to_contain_text("is back, as Active")
    assert Client.objects.get(pk=client.pk).status == "active"


def test_an_overdue_offboarding_is_flagged_at_390(page: Page, live_server, cast, sign_in, shot):
    from clientdesk.offboarding.services import offboarding_start
    from tests.clients.factories import make_client

    client = make_client(cast, prefix="LATE", name="Late Leavers Ltd")
    offboarding_start(
        client=client,
        actor=cast.manager,
        on=timezone.localdate() - timedelta(days=2),
        reason="price",
        note="",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    page.goto(f"{live_server.url}/a/acme/clients/{client.pk}/")
    expect(page.locator("[data-offboarding-card] [data-overdue]")).to_be_visible()
    assert no_sideways_scroll(page)
    shot(page, "client-overdue-390")
    staying = make_client(cast, prefix="STAY", name="Staying Put Ltd")
    page.goto(f"{live_server.url}/a/acme/clients/{staying.pk}/")
    page.get_by_role("button", name="Start off-boarding").click()
    expect(page.locator("#offboarding-start-dialog")).to_be_visible()
    assert no_sideways_scroll(page)
    shot(page, "start-dialog-390")


def test_edit_the_checklist_in_settings(page: Page, live_server, cast, sign_in, check_a11y, shot):
    sign_in(page, live_server, cast.manager.user.email, PASSWORD)
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/a/acme/settings/offboarding/")
        expect(page.get_by_label("Checklist items")).to_have_value(
            "Revoke portal access\nExport and hand over documents\nRemove monitoring agents\n"
            "Transfer credentials and licences\nClose open tickets\nFinal invoice"
        )
        assert no_sideways_scroll(page)
        check_a11y(page)
        shot(page, f"settings-{width}")
    page.get_by_label("Checklist items").fill("Wipe the laptops\nReturn the keys")
    page.get_by_role("button", name="Save checklist").click()
    expect(page.locator(".message.success")).to_contain_text("checklist was saved")
    expect(page.get_by_label("Checklist items")).to_have_value("Wipe the laptops\nReturn the keys")
