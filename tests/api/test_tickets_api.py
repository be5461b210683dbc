"""The tickets API of DESIGN §7, through HTTP with real tokens: create, read, filters, edit
with its version, replies and notes, roles and scoping."""

import pytest

from clientdesk.contacts.services import contact_create
from clientdesk.core.services import membership_set_client_access
from clientdesk.tickets.models import Ticket
from clientdesk.tickets.services import ticket_create
from clientdesk.tickets.sla import settings_of
from tests.api.test_clients_api import Api, assert_refused
from tests.clients.factories import make_client
from tests.factories import make_member


@pytest.fixture
def tech(cast):
    return Api(cast.technician)


@pytest.fixture
def bpm(cast):
    settings = settings_of(cast.account)
    settings.always_open = True
    settings.save()
    return make_client(cast, prefix="BPM", name="Blue Peak Media")


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [t["number"] for t in response.json()["items"]]


def test_create_answers_201_with_the_number_and_due_times(cast, tech, bpm):
    ana = contact_create(client=bpm, actor=None, first_name="Ana", email="ana@bpm.example")
    response = tech.post(
        "/api/v1/tickets",
        {
            "client_id": bpm.pk,
            "title": "Install the firewall",
            "kind": "job",
            "priority": "urgent",
            "requester_contact_id": ana.pk,
            "assignee_email": cast.technician.user.email.upper(),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "BPM-001" and body["kind"] == "job" and body["status"] == "new"
    assert body["requester_contact_id"] == ana.pk
    assert body["assignee_email"] == cast.technician.user.email
    assert body["response_due_at"] and body["resolution_due_at"] and body["breached"] is False
    assert set(body) >= {
        "id", "number", "client_id", "kind", "title", "description", "priority", "status",
        "requester_contact_id", "assignee_email", "response_due_at", "resolution_due_at",
        "first_response_at", "resolved_at", "breached", "created_at", "version",
    }  # fmt: skip


def test_create_refuses_bad_input_with_the_field_named(cast, tech, bpm):
    assert_refused(tech.post("/api/v1/tickets", {"client_id": bpm.pk, "title": " "}), "title")
    assert_refused(
        tech.post("/api/v1/tickets", {"client_id": bpm.pk, "title": "x", "priority": "asap"}),
        "priority",
    )
    assert_refused(
        tech.post(
            "/api/v1/tickets", {"client_id": bpm.pk, "title": "x", "assignee_email": "no@x.y"}
        ),
        "assignee_email",
    )
    other = make_client(cast, prefix="OTH")
    theirs = contact_create(client=other, actor=None, first_name="Zed")
    assert_refused(
        tech.post(
            "/api/v1/tickets",
            {"client_id": bpm.pk, "title": "x", "requester_contact_id": theirs.pk},
        ),
        "requester",
    )
    assert not Ticket.objects.exists()


def test_viewers_read_but_cannot_write(cast, bpm):
    ticket = ticket_create(client=bpm, actor=None, title="Printer")
    viewer = Api(cast.viewer)
    assert viewer.get(f"/api/v1/tickets/{ticket.pk}").status_code == 200
    assert viewer.post("/api/v1/tickets", {"client_id": bpm.pk, "title": "x"}).status_code == 403
    assert (
        viewer.patch(f"/api/v1/tickets/{ticket.pk}", {"version": 1, "title": "y"}).status_code
        == 403
    )
    assert viewer.post(f"/api/v1/tickets/{ticket.pk}/replies", {"body": "hi"}).status_code == 403


def test_other_accounts_and_hidden_clients_are_404(cast, tech, bpm):
    ticket = ticket_create(client=bpm, actor=None, title="Printer")
    outsider = Api(cast.outsider)
    assert outsider.get(f"/api/v1/tickets/{ticket.pk}").status_code == 404
    assert numbers(outsider.get("/api/v1/tickets")) == []
    assert outsider.post("/api/v1/tickets", {"client_id": bpm.pk, "title": "x"}).status_code == 404
    limited = make_member(cast.account, "technician")
    other = make_client(cast, prefix="SEEN")
    membership_set_client_access(
        actor=cast.owner, membership=limited, access="allow", clients=[other]
    )
    limited_api = Api(limited)
    assert limited_api.get(f"/api/v1/tickets/{ticket.pk}").status_code == 404
    assert numbers(limited_api.get("/api/v1/tickets")) == []


def test_filters(cast, tech, bpm):
    other = make_client(cast, prefix="ZED")
    ticket_create(client=bpm, actor=None, title="Printer jam", priority="high")
    ticket_create(
        client=bpm, actor=None, title="Cabling", kind="job", assignee=cast.technician.user
    )
    ticket_create(client=other, actor=None, title="Printer toner")
    assert numbers(tech.get("/api/v1/tickets", client=bpm.pk)) == ["BPM-002", "BPM-001"]
    assert numbers(tech.get("/api/v1/tickets", kind="job")) == ["BPM-002"]
    assert numbers(tech.get("/api/v1/tickets", priority="high,urgent")) == ["BPM-001"]
    assert numbers(tech.get("/api/v1/tickets", q="printer")) == ["ZED-001", "BPM-001"]
    assert numbers(tech.get("/api/v1/tickets", q="bpm-002")) == ["BPM-002"]
    assert numbers(tech.get("/api/v1/tickets", assignee=cast.technician.user.email)) == ["BPM-002"]
    assert numbers(tech.get("/api/v1/tickets", assignee="none")) == ["ZED-001", "BPM-001"]
    assert numbers(tech.get("/api/v1/tickets", breached="true")) == []
    assert_refused(tech.get("/api/v1/tickets", status="pending"), "status")


def test_the_list_pages_with_a_cursor(cast, tech, bpm):
    for i in range(5):
        ticket_create(client=bpm, actor=None, title=f"T{i}")
    first = tech.get("/api/v1/tickets", limit=3)
    second = tech.get("/api/v1/tickets", limit=3, cursor=first.json()["next"])
    assert numbers(first) == ["BPM-005", "BPM-004", "BPM-003"]
    assert numbers(second) == ["BPM-002", "BPM-001"] and second.json()["next"] is None


def test_patch_moves_the_pipeline_and_checks_the_version(cast, tech, bpm):
    ticket = ticket_create(client=bpm, actor=None, title="Printer")
    url = f"/api/v1/tickets/{ticket.pk}"
    moved = tech.patch(url, {"version": 1, "status": "in_progress", "priority": "high"})
    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert body["status"] == "in_progress" and body["priority"] == "high"
    assert body["first_response_at"] is not None and body["version"] == 2
    stale = tech.patch(url, {"version": 1, "title": "Late edit"})
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2
    resolved = tech.patch(url, {"version": 2, "status": "resolved"}).json()
    assert resolved["resolved_at"] is not None and resolved["status"] == "resolved"


def test_replies_and_notes(cast, tech, bpm):
    ticket = ticket_create(client=bpm, actor=None, title="Printer")
    url = f"/api/v1/tickets/{ticket.pk}/replies"
    reply = tech.post(url, {"body": "On our way", "minutes": 30})
    note = tech.post(url, {"body": "Needs a new drum", "public": False})
    assert reply.status_code == note.status_code == 201
    assert reply.json()["author_email"] == cast.technician.user.email
    listed = tech.get(url).json()["items"]
    assert [(r["body"], r["public"]) for r in listed] == [
        ("On our way", True),
        ("Needs a new drum", False),
    ]
    after = tech.get(f"/api/v1/tickets/{ticket.pk}").json()
    assert (
        after["status"] == "open" and after["first_response_at"] and after["minutes_logged"] == 30
    )
    assert_refused(tech.post(url, {"body": ""}), "body")
