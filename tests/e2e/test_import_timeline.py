"""An imported client's timeline in a real browser: the import's one entry reads "… imported
<client> from <file>" on the client's Overview, and once in Settings › Activity with its
counts, a long file name wrapping inside the card at 1440 px and 390 px."""

import pytest
from playwright.sync_api import Page, expect

from clientdesk.clients.models import Client
from clientdesk.clients.services import client_update
from clientdesk.transfer.services import import_file
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

FILE = "clients-exported-from-the-previous-tool-2026-12-05-final-version-v3.csv"


def test_an_imported_clients_timeline_shows_the_import(
    page: Page, live_server, cast, sign_in, check_a11y, shot, tmp_path
):
    path = tmp_path / FILE
    path.write_text("Prefix,Name,Contact email\nHIST,History Ltd,jo@history.example\nGLX,Globex,\n")
    import_file(account=cast.account, membership=cast.manager, kind="clients", path=str(path))
    hist = Client.objects.get(account=cast.account, prefix="HIST")
    client_update(client=hist, actor=cast.owner.user, version=None, license="Gold")

    sign_in(page, live_server, cast.owner.user.email, PASSWORD)
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/a/acme/clients/{hist.pk}/")
        items = page.locator(".timeline-card .timeline-item")
        expect(items).to_have_count(2)
        expect(items.nth(0)).to_contain_text("changed History Ltd's license")
        expect(items.nth(1)).to_contain_text(f"Manager imported History Ltd from {FILE}")
        card = page.locator(".timeline-card").bounding_box()
        text = items.nth(1).locator(".timeline-text").bounding_box()
        assert card and text and text["x"] + text["width"] <= card["x"] + card["width"]
        check_a11y(page)
        shot(page, f"client-{width}")

        page.goto(f"{live_server.url}/a/acme/settings/activity/")
        entry = page.locator(".timeline-item", has_text="imported clients from")
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text(f"Manager imported clients from {FILE}: 2 created")
        expect(entry.get_by_role("link", name=FILE)).to_have_attribute(
            "href", f"/a/acme/imports/{hist.imported_by_job}/"
        )
        check_a11y(page)
        shot(page, f"activity-{width}")
