"""Settings › Tickets: business hours or 24×7, holidays, the pipeline's names; they change the
SLA of tickets opened afterwards and the names staff and the portal see."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from clientdesk.tickets.models import Holiday
from clientdesk.tickets.services import ticket_create
from clientdesk.tickets.sla import settings_of
from tests.clients.factories import make_client


def web(membership) -> Client:
    browser = Client()
    browser.force_login(membership.user)
    return browser


def _form(**changes) -> dict:
    data = {"always_open": ""}
    for day in range(7):
        data |= {f"day_{day}_open": "on" if day < 5 else "", f"day_{day}_start": "09:00",
                 f"day_{day}_end": "17:00"}  # fmt: skip
    for key in ("new", "open", "in_progress", "waiting", "resolved", "closed"):
        data[f"label_{key}"] = ""
    return data | changes


def test_hours_and_names_are_saved_and_used(cast):
    admin = web(cast.admin)
    page = admin.get("/a/acme/settings/tickets/")
    assert page.status_code == 200 and "Business hours" in page.text
    saved = admin.post(
        "/a/acme/settings/tickets/",
        _form(day_0_start="08:00", day_0_end="12:00", label_waiting="Waiting for you"),
    )
    assert saved.status_code == 302
    found = settings_of(cast.account)
    assert found.hours["0"] == [["08:00", "12:00"]] and "5" not in found.hours
    assert found.status_labels == {"waiting": "Waiting for you"}
    client = make_client(cast, prefix="BPM")
    # Monday 7 December 2026 11:45 UTC (the account is on UTC): 15 minutes left that Monday.
    with time_machine.travel(datetime(2026, 12, 7, 11, 45, tzinfo=ZoneInfo("UTC")), tick=False):
        ticket = ticket_create(client=client, actor=None, title="x", priority="high")
    # high: 2 h to respond: 15 min on Monday, then Tuesday 09:00 + 1 h 45.
    assert ticket.response_due_at == datetime(2026, 12, 8, 10, 45, tzinfo=ZoneInfo("UTC"))
    board = web(cast.viewer).get("/a/acme/tickets/board/")
    assert "Waiting for you" in board.text


def test_bad_settings_are_refused_with_the_field_named(cast):
    admin = web(cast.admin)
    bad = admin.post("/a/acme/settings/tickets/", _form(day_1_start="18:00", day_1_end="09:00"))
    assert bad.status_code == 400 and "The day must end after it starts." in bad.text
    closed = {f"day_{d}_open": "" for d in range(7)}
    bad = admin.post("/a/acme/settings/tickets/", _form(**closed))
    assert bad.status_code == 400 and "Open on at least one day" in bad.text
    bad = admin.post("/a/acme/settings/tickets/", _form(label_open="Resolved"))
    assert bad.status_code == 400 and "cannot have the same name" in bad.text
    assert web(cast.manager).get("/a/acme/settings/tickets/").status_code == 403


def test_holidays_are_added_once_and_removed(cast):
    admin = web(cast.admin)
    assert (
        admin.post(
            "/a/acme/settings/tickets/holidays/", {"day": "2026-12-25", "name": "Xmas"}
        ).status_code
        == 302
    )
    again = admin.post("/a/acme/settings/tickets/holidays/", {"day": "2026-12-25"})
    assert again.status_code == 400 and "already a holiday" in again.text
    holiday = Holiday.objects.get()
    assert admin.post(f"/a/acme/settings/tickets/holidays/{holiday.pk}/remove/").status_code == 302
    assert not Holiday.objects.exists()
