"""The ticket pages: the Tickets list with its filters, the board and a move, Log a job from
a client, the ticket page with a reply and a note, the client's Support Tickets tab and its
preview, the Support column of the client page, and search by number; roles and scoping."""

import re

from django.test import Client

from clientdesk.core.services import membership_set_client_access
from clientdesk.tickets.models import Ticket
from clientdesk.tickets.services import ticket_create
from tests.clients.factories import make_client
from tests.factories import make_member
from tests.security.test_csp import assert_strict


def web(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-ticket="(\d+)"', response.text)]


def test_the_tickets_page_lists_and_filters(cast):
    bpm = make_client(cast, prefix="BPM", name="Blue Peak Media")
    zed = make_client(cast, prefix="ZED", name="Zed Ltd")
    job = ticket_create(client=bpm, actor=None, title="Cabling", kind="job")
    request = ticket_create(client=zed, actor=None, title="Printer", priority="urgent")
    page = web(cast.viewer).get("/a/acme/tickets/")
    assert page.status_code == 200
    assert_strict(page)
    assert shown(page) == [request.pk, job.pk]
    assert "BPM-001" in page.text and "Zed Ltd" in page.text
    assert shown(web(cast.viewer).get("/a/acme/tickets/?kind=job")) == [job.pk]
    assert shown(web(cast.viewer).get(f"/a/acme/tickets/?client={zed.pk}")) == [request.pk]
    assert shown(web(cast.viewer).get("/a/acme/tickets/?priority=urgent")) == [request.pk]
    assert shown(web(cast.viewer).get("/a/acme/tickets/?q=zed-001")) == [request.pk]
    empty = web(cast.viewer).get("/a/acme/tickets/?status=closed")
    assert shown(empty) == [] and "No ticket matches these filters." in empty.text
    refused = web(cast.viewer).get("/a/acme/tickets/?q=a%00b")
    assert refused.status_code == 400


def test_log_a_job_from_the_client_page(cast):
    bpm = make_client(cast, prefix="BPM", name="Blue Peak Media")
    page = web(cast.technician).get(f"/a/acme/clients/{bpm.pk}/")
    assert f"/a/acme/tickets/new/?client={bpm.pk}&amp;kind=job" in page.text
    form = web(cast.technician).get(f"/a/acme/tickets/new/?client={bpm.pk}&kind=job")
    assert form.status_code == 200 and "Log a job" in form.text
    bad = web(cast.technician).post(
        "/a/acme/tickets/new/", {"client": bpm.pk, "kind": "job", "title": "", "priority": "normal"}
    )
    assert bad.status_code == 400 and not Ticket.objects.exists()
    made = web(cast.technician).post(
        "/a/acme/tickets/new/",
        {"client": bpm.pk, "kind": "job", "title": "Rack move", "priority": "high"},
    )
    ticket = Ticket.objects.get()
    assert made.status_code == 302 and made.url == f"/a/acme/tickets/{ticket.pk}/"
    assert (ticket.number, ticket.kind, ticket.created_by) == (
        "BPM-001",
        "job",
        cast.technician.user,
    )


def test_viewers_cannot_open_tickets(cast):
    bpm = make_client(cast, prefix="BPM")
    assert web(cast.viewer).get(f"/a/acme/tickets/new/?client={bpm.pk}").status_code == 403
    page = web(cast.viewer).get(f"/a/acme/clients/{bpm.pk}/")
    assert "/tickets/new/" not in page.text


def test_the_ticket_page_replies_and_notes(cast):
    bpm = make_client(cast, prefix="BPM")
    ticket = ticket_create(client=bpm, actor=None, title="Printer")
    tech = web(cast.technician)
    page = tech.get(f"/a/acme/tickets/{ticket.pk}/")
    assert page.status_code == 200 and "BPM-001" in page.text
    assert_strict(page)
    tech.post(f"/a/acme/tickets/{ticket.pk}/reply/", {"body": "On our way", "public": "1"})
    tech.post(f"/a/acme/tickets/{ticket.pk}/reply/", {"body": "Drum worn", "public": "0"})
    page = tech.get(f"/a/acme/tickets/{ticket.pk}/")
    assert "On our way" in page.text and "Drum worn" in page.text and "Internal note" in page.text
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.first_response_at is not None
    empty = tech.post(f"/a/acme/tickets/{ticket.pk}/reply/", {"body": " ", "public": "1"})
    assert empty.status_code == 400


def test_an_edit_with_a_stale_version_is_refused_and_shown_as_it_is(cast):
    bpm = make_client(cast, prefix="BPM")
    ticket = ticket_create(client=bpm, actor=None, title="Printer")
    tech = web(cast.technician)
    form = {"version": 1, "title": "Printer jam", "kind": "request", "priority": "high",
            "status": "in_progress", "description": ""}  # fmt: skip
    assert tech.post(f"/a/acme/tickets/{ticket.pk}/edit/", form).status_code == 302
    again = tech.post(f"/a/acme/tickets/{ticket.pk}/edit/", {**form, "title": "Other"})
    assert again.status_code == 409 and "Someone changed this ticket" in again.text
    ticket.refresh_from_db()
    assert (ticket.title, ticket.priority, ticket.status) == ("Printer jam", "high", "in_progress")


def test_the_board_moves_a_ticket(cast):
    bpm = make_client(cast, prefix="BPM")
    ticket = ticket_create(client=bpm, actor=None, title="Printer")
    tech = web(cast.technician)
    board = tech.get("/a/acme/tickets/board/")
    assert board.status_code == 200 and 'data-status="waiting"' in board.text
    assert_strict(board)
    moved = tech.post(f"/a/acme/tickets/{ticket.pk}/move/", {"status": "waiting", "version": 1})
    assert moved.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "waiting" and ticket.paused_at is not None
    column = tech.get("/a/acme/tickets/board/?status=waiting").text
    assert "BPM-001" in column


def test_the_client_tab_shows_only_its_own_tickets_and_previews(cast):
    parent = make_client(cast, prefix="PAR", name="Parent")
    child = make_client(cast, prefix="KID", name="Kid", parent=parent)
    own = ticket_create(client=parent, actor=None, title="Parent's", description="Details here")
    ticket_create(client=child, actor=None, title="Child's")
    tab = web(cast.viewer).get(f"/a/acme/clients/{parent.pk}/tickets/")
    assert tab.status_code == 200 and shown(tab) == [own.pk]
    assert_strict(tab)
    preview = web(cast.viewer).get(f"/a/acme/tickets/{own.pk}/preview/")
    assert "Details here" in preview.text


def test_the_client_page_shows_open_tickets_and_breaches(cast):
    import time_machine
    from django.utils import timezone

    from clientdesk.tickets.sla import settings_of

    settings = settings_of(cast.account)
    settings.always_open = True
    settings.save()
    bpm = make_client(cast, prefix="BPM")
    with time_machine.travel(timezone.now() - timezone.timedelta(hours=2), tick=False):
        late = ticket_create(client=bpm, actor=None, title="Late one", priority="urgent")
    ticket_create(client=bpm, actor=None, title="Fresh one", priority="low")
    page = web(cast.viewer).get(f"/a/acme/clients/{bpm.pk}/").text
    assert re.search(r'id="open-tickets">2<', page)
    assert 'id="open-breaches">1<' in page and late.number in page


def test_search_finds_a_ticket_by_its_number(cast):
    bpm = make_client(cast, prefix="BPM", name="Blue Peak Media")
    ticket_create(client=bpm, actor=None, title="Printer")
    found = web(cast.viewer).get("/a/acme/clients/?q=bpm-001")
    assert "Tickets matching" in found.text and "/a/acme/tickets/" in found.text


def test_tickets_of_hidden_clients_and_other_accounts_are_404(cast):
    bpm = make_client(cast, prefix="BPM")
    other = make_client(cast, prefix="SEEN")
    ticket = ticket_create(client=bpm, actor=None, title="Printer")
    limited = make_member(cast.account, "technician")
    membership_set_client_access(
        actor=cast.owner, membership=limited, access="allow", clients=[other]
    )
    for who in (limited, cast.outsider):
        browser = web(who)
        slug = who.account.slug
        assert browser.get(f"/a/{slug}/tickets/{ticket.pk}/").status_code == 404
        assert ticket.pk not in shown(browser.get(f"/a/{slug}/tickets/"))
    assert web(limited).get(f"/a/acme/clients/{bpm.pk}/tickets/").status_code == 404


def test_each_row_of_the_clients_page_has_its_quick_functions(cast):
    bpm = make_client(cast, prefix="BPM", name="Blue Peak Media")
    page = web(cast.technician).get("/a/acme/clients/").text
    row = page.split('data-client="BPM"', 1)[1].split("</tr>", 1)[0]
    assert f'href="/a/acme/clients/{bpm.pk}/contacts/"' in row
    assert f'href="/a/acme/tickets/new/?client={bpm.pk}&amp;kind=job"' in row
    assert f'href="/a/acme/tickets/report/?client={bpm.pk}"' in row
    viewer_row = web(cast.viewer).get("/a/acme/clients/").text.split('data-client="BPM"', 1)[1]
    assert "/tickets/new/" not in viewer_row.split("</tr>", 1)[0]  # viewers log no jobs
