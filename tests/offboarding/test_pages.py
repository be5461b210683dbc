"""The client page's off-boarding (Start dialog, checklist, ticking by htmx, Complete, Cancel,
Win back), the status dialog without the workflow's moves, and Settings › Off-boarding."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as WebClient

from clientdesk.clients.models import Client, StatusChange
from clientdesk.clients.services import client_change_status
from clientdesk.offboarding import queries
from clientdesk.offboarding.models import Offboarding
from tests.clients.factories import make_client

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def today():
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        yield


def web(membership) -> WebClient:
    browser = WebClient()
    browser.force_login(membership.user)
    return browser


def page(client, tail="offboarding/"):
    return f"/a/acme/clients/{client.pk}/{tail}"


START = {"offboarding-date": "2026-07-01", "offboarding-reason": "price", "offboarding-note": "Too"}


def test_a_manager_starts_ticks_and_completes_from_the_client_page(cast):
    client = make_client(cast, name="Koala Ltd")
    browser = web(cast.manager)
    detail = browser.get(f"/a/acme/clients/{client.pk}/").content.decode()
    assert "Start off-boarding" in detail and 'id="offboarding-start-dialog"' in detail
    # The status dialog (fetched when reached for) no longer offers Off-boarding: the
    # workflow does that.
    dialogs = browser.get(f"/a/acme/clients/{client.pk}/dialogs/").content.decode()
    assert 'value="offboarding"' not in dialogs and 'value="at_risk"' in dialogs
    assert "data-status-held" in dialogs and "Off-boarding starts with its checklist" in dialogs
    answer = browser.post(page(client, "offboarding/start/"), START)
    assert answer.status_code == 302 and answer["Location"].endswith(page(client))
    shown = browser.get(page(client)).content.decode()
    assert "Revoke portal access" in shown and 'data-progress="0/6"' in shown
    run = queries.latest_of(client=client)
    item = queries.items_of(run)[0]
    ticked = browser.post(
        page(client, f"offboarding/items/{item.pk}/"), {"done": "1"}, headers={"HX-Request": "true"}
    )
    assert ticked.status_code == 200
    fragment = ticked.content.decode()
    assert fragment.lstrip().startswith("<section") and 'data-progress="1/6"' in fragment
    assert cast.manager.user.email in fragment
    assert 'id="offboarding-count" hx-swap-oob="true">1/6<' in fragment
    assert 'aria-checked="true"' in fragment
    done = browser.post(page(client, "offboarding/complete/"))
    assert done.status_code == 302
    assert Client.objects.get(pk=client.pk).status == "inactive"
    after = browser.get(page(client)).content.decode()
    assert "Complete off-boarding" not in after and 'data-state="completed"' in after
    detail = browser.get(f"/a/acme/clients/{client.pk}/").content.decode()
    assert "Win back" in detail and "Left on 15 Jun 2026" in detail and "Price" in detail
    # The Inactive tab's Win back link opens the dialog on arrival.
    assert 'id="win-back-dialog" aria-labelledby="win-back-title">' in detail
    linked = browser.get(f"/a/acme/clients/{client.pk}/?win_back=1").content.decode()
    assert 'id="win-back-dialog" aria-labelledby="win-back-title" data-open-on-load>' in linked


def test_start_with_errors_opens_the_dialog_again_with_them(cast):
    client = make_client(cast)
    answer = web(cast.manager).post(
        page(client, "offboarding/start/"), {"offboarding-date": "", "offboarding-reason": ""}
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "data-open-on-load" in html and "Give the off-boarding date." in html
    assert not Offboarding.objects.filter(client=client).exists()


def test_the_complete_dialog_names_what_it_does(cast):
    access = cast.portal_a
    browser = web(cast.manager)
    browser.post(page(access.client, "offboarding/start/"), START)
    html = browser.get(page(access.client)).content.decode()
    assert "Alpha Corp becomes inactive." in html
    assert "Its portal closes: 1 portal user loses access" in html
    assert "6 items are still open" in html


def test_cancel_returns_to_active(cast):
    client = make_client(cast)
    browser = web(cast.manager)
    browser.post(page(client, "offboarding/start/"), START)
    assert browser.post(page(client, "offboarding/cancel/")).status_code == 302
    assert Client.objects.get(pk=client.pk).status == "active"
    assert queries.latest_of(client=client).state == "cancelled"


def test_technicians_tick_but_do_not_start_complete_or_cancel(cast):
    client = make_client(cast)
    web(cast.manager).post(page(client, "offboarding/start/"), START)
    tech = web(cast.technician)
    html = tech.get(page(client)).content.decode()
    assert "data-tick" in html and "Complete off-boarding" not in html
    item = queries.items_of(queries.latest_of(client=client))[1]
    assert (
        tech.post(page(client, f"offboarding/items/{item.pk}/"), {"done": "1"}).status_code == 302
    )
    assert tech.post(page(client, "offboarding/complete/")).status_code == 403
    viewer = web(cast.viewer)
    assert "data-tick" not in viewer.get(page(client)).content.decode()
    assert (
        viewer.post(page(client, f"offboarding/items/{item.pk}/"), {"done": "1"}).status_code == 403
    )


def test_the_status_dialog_refuses_a_posted_move_around_the_workflow(cast):
    client = make_client(cast)
    answer = web(cast.manager).post(page(client, "status/"), {"to_status": "offboarding"})
    assert answer.status_code == 400
    assert "Off-boarding starts with its checklist" in answer.content.decode()
    assert Client.objects.get(pk=client.pk).status == "active"


def test_a_client_imported_as_offboarding_is_offered_its_checklist(cast):
    client = make_client(cast)
    client_change_status(client=client, actor=None, to_status="offboarding")
    browser = web(cast.manager)
    detail = browser.get(f"/a/acme/clients/{client.pk}/").content.decode()
    assert "Open the off-boarding checklist" in detail
    browser.post(page(client, "offboarding/start/"), START)
    assert queries.latest_of(client=client).state == "open"


def test_overdue_is_flagged_on_the_client_page(cast):
    client = make_client(cast)
    browser = web(cast.manager)
    browser.post(page(client, "offboarding/start/"), START | {"offboarding-date": "2026-06-10"})
    detail = browser.get(f"/a/acme/clients/{client.pk}/").content.decode()
    assert "data-overdue" in detail
    assert "Past the date with items open" in browser.get(page(client)).content.decode()


def test_win_back(cast):
    client = make_client(cast)
    browser = web(cast.manager)
    browser.post(page(client, "offboarding/start/"), START)
    browser.post(page(client, "offboarding/complete/"))
    answer = browser.post(
        page(client, "win-back/"), {"winback-to_status": "lead", "winback-reason": "Called us"}
    )
    assert answer.status_code == 302
    assert Client.objects.get(pk=client.pk).status == "lead"
    last = StatusChange.objects.filter(client=client).order_by("-at", "-id").first()
    assert (last.from_status, last.to_status, last.reason) == ("inactive", "lead", "Called us")
    bad = browser.post(page(client, "win-back/"), {"winback-to_status": "active"})
    assert bad.status_code == 400 and "Only an inactive client" in bad.content.decode()


def test_settings_edits_the_checklist(cast):
    browser = web(cast.manager)
    shown = browser.get("/a/acme/settings/offboarding/").content.decode()
    assert "Revoke portal access\nExport and hand over documents" in shown
    saved = browser.post("/a/acme/settings/offboarding/", {"items": "Wipe laptops\n\nSay bye\n"})
    assert saved.status_code == 302
    assert queries.template_titles(cast.account) == ["Wipe laptops", "Say bye"]
    empty = browser.post("/a/acme/settings/offboarding/", {"items": "  \n "})
    assert empty.status_code == 400 and "at least one item" in empty.content.decode()
    assert web(cast.technician).get("/a/acme/settings/offboarding/").status_code == 403
