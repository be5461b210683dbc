"""The client's requests in the portal: only its own tickets, never internal notes; raising a
request and replying; the pipeline answering 204 to a poll while nothing changed."""

from django.test import Client

from clientdesk.tickets.models import Ticket
from clientdesk.tickets.services import reply_add, ticket_create, ticket_update
from tests.clients.factories import make_client


def portal(access) -> Client:
    browser = Client()
    browser.force_login(access.user)
    return browser


def test_the_pipeline_shows_the_client_s_tickets_and_nothing_of_another(cast):
    a, b = cast.portal_a, cast.portal_b
    mine = ticket_create(client=a.client, actor=None, title="Our printer")
    theirs = ticket_create(client=b.client, actor=None, title="Bravo's secret")
    page = portal(a).get("/portal/requests/")
    assert page.status_code == 200
    assert "Our printer" in page.text and "Bravo" not in page.text.replace("Bravo Ltd", "")
    assert "Bravo's secret" not in page.text
    assert portal(a).get(f"/portal/requests/{theirs.pk}/").status_code == 404
    assert portal(a).post(f"/portal/requests/{theirs.pk}/reply/", {"body": "x"}).status_code == 404
    assert portal(a).get(f"/portal/requests/{mine.pk}/").status_code == 200
    listed = portal(a).get("/portal/requests/?view=list")
    assert f'data-ticket="{mine.pk}"' in listed.text


def test_internal_notes_never_reach_the_portal(cast):
    a = cast.portal_a
    ticket = ticket_create(client=a.client, actor=None, title="Printer")
    reply_add(ticket=ticket, actor=cast.technician, body="We ordered a drum")
    reply_add(ticket=ticket, actor=cast.technician, body="Client owes us money", public=False)
    page = portal(a).get(f"/portal/requests/{ticket.pk}/").text
    assert "We ordered a drum" in page and "owes us money" not in page


def test_raise_a_request_and_reply(cast):
    a = cast.portal_a
    browser = portal(a)
    refused = browser.post("/portal/requests/new/", {"title": "", "priority": "normal"})
    assert refused.status_code == 400 and not Ticket.objects.exists()
    sent = browser.post(
        "/portal/requests/new/",
        {"title": "New starter laptop", "description": "Monday", "priority": "high"},
    )
    ticket = Ticket.objects.get()
    assert sent.status_code == 302 and sent.url == f"/portal/requests/{ticket.pk}/"
    assert (ticket.number, ticket.kind, ticket.source) == ("ALPHA-001", "request", "portal")
    assert ticket.requester == a.contact and ticket.client == a.client
    ticket = ticket_update(ticket=ticket, actor=cast.technician, version=None, status="waiting")
    browser.post(f"/portal/requests/{ticket.pk}/reply/", {"body": "Here are the details"})
    ticket.refresh_from_db()
    assert ticket.status == "open"  # the client answered: back with staff, the clock runs
    reply = ticket.replies.get(body="Here are the details")
    assert reply.contact == a.contact and reply.author is None and reply.public


def test_a_poll_answers_204_until_staff_move_a_ticket(cast):
    a = cast.portal_a
    ticket = ticket_create(client=a.client, actor=None, title="Printer")
    browser = portal(a)
    first = browser.get("/portal/requests/", headers={"HX-Request": "true"})
    fingerprint = first.text.split('data-fingerprint="', 1)[1].split('"', 1)[0]
    same = browser.get(f"/portal/requests/?since={fingerprint}", headers={"HX-Request": "true"})
    assert same.status_code == 204
    ticket_update(ticket=ticket, actor=cast.technician, version=None, status="in_progress")
    moved = browser.get(f"/portal/requests/?since={fingerprint}", headers={"HX-Request": "true"})
    assert moved.status_code == 200 and 'data-status="in_progress"' in moved.text
    column = moved.text.split('data-status="in_progress"', 1)[1].split("</section>", 1)[0]
    assert "Printer" in column


def test_a_sub_client_s_tickets_need_the_sub_client_view(cast):
    a = cast.portal_a
    sub = make_client(cast, prefix="ALSUB", name="Alpha Sub", parent=a.client)
    hidden = ticket_create(client=sub, actor=None, title="Sub's ticket")
    assert portal(a).get(f"/portal/requests/{hidden.pk}/").status_code == 404
    assert "Sub's ticket" not in portal(a).get("/portal/requests/").text
