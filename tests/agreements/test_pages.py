"""The Agreements tab of the client page (read-only), Settings › Agreements (create, edit,
renew, end) and the portal's agreements."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from clientdesk.agreements.models import Agreement
from clientdesk.agreements.services import agreement_create
from clientdesk.contacts.services import contact_create
from tests.clients.factories import make_client

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def today():
    with time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        yield


def web(membership) -> Client:
    browser = Client()
    browser.force_login(membership.user)
    return browser


def _make(client, name, starts_on, ends_on, **fields):
    return agreement_create(
        client=client,
        actor=None,
        name=name,
        kind=fields.pop("kind", "fixed_fee"),
        starts_on=starts_on,
        ends_on=ends_on,
        monthly_price=Decimal("450.00"),
        **fields,
    )


@pytest.fixture
def bpm(cast):
    client = make_client(cast, prefix="BPM", name="Blue Peak Media")
    _make(client, "Old support", date(2025, 1, 1), date(2025, 12, 31))
    _make(client, "Support 2026", date(2026, 1, 1), date(2026, 12, 31))
    _make(client, "Next year", date(2027, 1, 1), date(2027, 12, 31))
    return client


def test_the_tab_is_read_only_with_states_flagged(cast, bpm):
    page = web(cast.technician).get(f"/a/acme/clients/{bpm.pk}/agreements/")
    assert page.status_code == 200
    html = page.text
    assert 'class="badge bad agreement-state" data-state="expired">Expired' in html
    assert 'class="badge ok agreement-state" data-state="current">Current' in html
    assert 'data-state="upcoming">Upcoming' in html
    # Current first, then upcoming, then expired.
    assert html.index("Support 2026") < html.index("Next year") < html.index("Old support")
    # Technicians see no prices and no link to edit; nothing on the tab is a form.
    assert "450.00" not in html and "Manage in Settings" not in html
    assert '<form method="post"' not in html.split("agreements-tab", 1)[1]
    manager = web(cast.manager).get(f"/a/acme/clients/{bpm.pk}/agreements/").text
    assert "450.00" in manager and "Manage in Settings" in manager


def test_settings_lists_and_filters_by_state(cast, bpm):
    other = make_client(cast, prefix="OTH", name="Other Ltd")
    _make(other, "Other deal", date(2026, 1, 1), date(2026, 12, 31))
    admin = web(cast.manager)
    everything = admin.get("/a/acme/settings/agreements/").text
    assert "Other deal" in everything and "Old support" in everything
    expired = admin.get("/a/acme/settings/agreements/", {"state": "expired"}).text
    assert "Old support" in expired and "Support 2026" not in expired
    mine = admin.get("/a/acme/settings/agreements/", {"client": bpm.pk, "state": "current"}).text
    assert "Support 2026" in mine and "Other deal" not in mine
    assert web(cast.technician).get("/a/acme/settings/agreements/").status_code == 403


def test_create_edit_renew_and_end_from_settings(cast, bpm):
    ana = contact_create(client=bpm, actor=None, first_name="Ana")
    contact_create(client=bpm, actor=None, first_name="Ben")
    manager = web(cast.manager)
    form = manager.get(f"/a/acme/settings/agreements/new/?client={bpm.pk}")
    assert form.status_code == 200 and "Ana" in form.text and "Ben" in form.text
    data = {
        "client": bpm.pk,
        "name": "Per user",
        "kind": "ayce_user",
        "starts_on": "2026-06-01",
        "ends_on": "2026-05-01",
        "monthly_price": "12.50",
        "contacts": [ana.pk],
    }
    refused = manager.post("/a/acme/settings/agreements/new/", data)
    assert (
        refused.status_code == 400 and "The end date comes before the start date." in refused.text
    )
    saved = manager.post("/a/acme/settings/agreements/new/", data | {"ends_on": "2026-11-30"})
    assert saved.status_code == 302
    made = Agreement.objects.for_account(cast.account).get(name="Per user")
    assert made.monthly_price == Decimal("12.50") and made.kind == "ayce_user"
    # The details panel now counts Ana in agreement, Ben out.
    detail = manager.get(f"/a/acme/clients/{bpm.pk}/")
    rows = {label: (own, subs) for label, own, subs, _ in detail.context["coverage_rows"]}
    assert rows == {"In agreement": (1, 1), "Out of agreement": (1, 1)}
    edited = manager.post(
        f"/a/acme/settings/agreements/{made.pk}/", data | {"ends_on": "2026-12-31", "contacts": []}
    )
    assert edited.status_code == 302
    made.refresh_from_db()
    assert made.ends_on == date(2026, 12, 31) and made.version == 2
    assert manager.post(f"/a/acme/settings/agreements/{made.pk}/renew/").status_code == 302
    renewed = Agreement.objects.for_account(cast.account).filter(name="Per user").latest("pk")
    assert (renewed.starts_on, renewed.ends_on) == (date(2027, 1, 1), date(2027, 8, 2))
    ended = manager.post(f"/a/acme/settings/agreements/{made.pk}/end/", {"on": "2026-06-15"})
    assert ended.status_code == 302
    made.refresh_from_db()
    assert made.ends_on == date(2026, 6, 15)


def test_the_portal_shows_the_client_s_agreements_only(cast):
    access = cast.portal_a
    _make(access.client, "Alpha support", date(2026, 1, 1), date(2026, 12, 31))
    _make(access.client, "Alpha old", date(2025, 1, 1), date(2025, 3, 31))
    _make(cast.portal_b.client, "Bravo support", date(2026, 1, 1), date(2026, 12, 31))
    browser = Client()
    browser.force_login(access.user)
    page = browser.get("/portal/agreements/")
    assert page.status_code == 200
    assert "Alpha support" in page.text and "Alpha old" in page.text
    assert 'data-state="expired"' in page.text and "Bravo support" not in page.text
    assert "450.00" not in page.text


def test_the_activity_log_tells_the_agreements_story(cast, bpm):
    from clientdesk.agreements.services import agreement_update, agreements_warn

    ana = contact_create(client=bpm, actor=None, first_name="Ana")
    made = _make(bpm, "Desks", date(2026, 1, 1), date(2026, 7, 1), kind="ayce_user")
    agreement_update(
        agreement=made, actor=cast.manager, version=None, contacts=[ana], monthly_price=Decimal(9)
    )
    agreements_warn(account=cast.account)
    page = web(cast.admin).get("/a/acme/settings/activity/")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "added the agreement" in text and "Desks" in text
    assert "ends within 30 days" in text
    assert "Ana" in text  # the covered contacts, by name
    # Prices in the log are for money.read only; the technician's timeline hides them.
    timeline = web(cast.technician).get(f"/a/acme/clients/{bpm.pk}/")
    assert timeline.status_code == 200


def test_settings_pages_through_many_agreements_and_searches_them(cast, bpm):
    other = make_client(cast, prefix="OTH", name="Other Ltd")
    for n in range(55):
        _make(other, f"Deal {n:02}", date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=n))
    manager = web(cast.manager)
    first = manager.get("/a/acme/settings/agreements/", {"client": other.pk})
    assert first.text.count('class="agreement-row') == 50
    assert "Deal 54" in first.text and "Deal 04" not in first.text  # newest end first
    assert "Client: <strong>Other Ltd</strong>" in first.text
    after = re.search(r'id="page-next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    second = manager.get(after)
    assert second.text.count('class="agreement-row') == 5 and "Deal 00" in second.text
    assert 'id="page-previous"' in second.text and 'id="page-next"' not in second.text
    # Words find the agreement's name or its client's name.
    found = manager.get("/a/acme/settings/agreements/", {"q": "deal 07"}).text
    assert found.count('class="agreement-row') == 1
    by_client = manager.get("/a/acme/settings/agreements/", {"q": "blue peak"}).text
    assert "Other Ltd" not in by_client and bpm.name in by_client
    # A forged cursor is the first page, not an error.
    assert manager.get("/a/acme/settings/agreements/", {"cursor": "junk"}).status_code == 200


def test_a_new_agreement_starts_by_finding_its_client(cast, bpm):
    make_client(cast, prefix="OTH", name="Other Ltd")
    manager = web(cast.manager)
    pick = manager.get("/a/acme/settings/agreements/new/")
    assert "Which client is it for?" in pick.text and "Other Ltd" in pick.text
    found = manager.get("/a/acme/settings/agreements/new/", {"find": "blue"}).text
    assert f'href="?client={bpm.pk}"' in found and "Other Ltd" not in found
    none = manager.get("/a/acme/settings/agreements/new/", {"find": "zzz"}).text
    assert "No client matches “zzz”." in none
