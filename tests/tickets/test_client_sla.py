"""A client's own SLA times: the API's `sla` shows them over the account's defaults, PATCH and
the client page set them, and new tickets follow them."""

from django.test import Client

from clientdesk.tickets.services import ticket_create
from clientdesk.tickets.sla import settings_of
from tests.api.test_clients_api import Api
from tests.clients.factories import make_client


def test_the_api_shows_and_sets_a_client_s_sla(cast):
    settings = settings_of(cast.account)
    settings.always_open = True
    settings.save()
    client = make_client(cast, prefix="BPM")
    manager = Api(cast.manager)
    sla = manager.get(f"/api/v1/clients/{client.pk}").json()["sla"]
    assert len(sla) == 8
    assert {"kind": "job", "priority": "urgent", "response_minutes": 30,
            "resolution_minutes": 240} in sla  # fmt: skip
    changed = manager.patch(
        f"/api/v1/clients/{client.pk}",
        {"version": 1, "sla": [{"kind": "job", "priority": "urgent", "response_minutes": 10,
                                "resolution_minutes": 60}]},
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert {"kind": "job", "priority": "urgent", "response_minutes": 10,
            "resolution_minutes": 60} in changed.json()["sla"]  # fmt: skip
    job = ticket_create(client=client, actor=None, title="x", kind="job", priority="urgent")
    assert (job.response_due_at - job.created_at).total_seconds() == 600
    listed = manager.get("/api/v1/clients", q="BPM").json()["items"][0]["sla"]
    assert listed == changed.json()["sla"]
    bad = manager.patch(
        f"/api/v1/clients/{client.pk}",
        {"version": 1, "sla": [{"kind": "job", "priority": "low", "response_minutes": 90,
                                "resolution_minutes": 60}]},
    )  # fmt: skip
    assert bad.status_code == 422 and "sla" in bad.json()["errors"]


def test_the_client_page_edits_the_sla(cast):
    client = make_client(cast, prefix="BPM")
    browser = Client()
    browser.force_login(cast.manager.user)
    page = browser.get(f"/a/acme/clients/{client.pk}/sla/")
    assert page.status_code == 200
    data = {}
    for kind in ("request", "job"):
        for priority, (r, s) in {"low": (60, 600), "normal": (30, 300), "high": (20, 200),
                                 "urgent": (10, 100)}.items():  # fmt: skip
            data[f"{kind}_{priority}_response"] = r
            data[f"{kind}_{priority}_resolution"] = s
    assert browser.post(f"/a/acme/clients/{client.pk}/sla/", data).status_code == 302
    ticket = ticket_create(client=client, actor=None, title="x", priority="urgent")
    settings = settings_of(cast.account)
    assert settings.always_open is False  # office hours: just check the stored times
    from clientdesk.tickets.sla import times_for

    assert times_for(client, "incident", "urgent") == (10, 100)
    assert ticket.response_due_at is not None
    viewer = Client()
    viewer.force_login(cast.viewer.user)
    assert viewer.get(f"/a/acme/clients/{client.pk}/sla/").status_code == 403
