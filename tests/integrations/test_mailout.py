"""Staff's public reply reaches the requester through a real SMTP server (aiosmtpd), from the
account's address, with the ticket number in the subject; answering it threads through
integrations.inbound."""

import socket
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from clientdesk.contacts.services import contact_create
from clientdesk.integrations.inbound import mail_receive
from clientdesk.tickets.models import Reply
from clientdesk.tickets.services import reply_add, ticket_create
from tests.clients.factories import make_client


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy))
        )
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_URL = f"smtp://127.0.0.1:{port}"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.MAILIN_DOMAIN = "help.acme.example"
    yield inbox
    controller.stop()


@pytest.fixture
def ticket(cast):
    client = make_client(cast, prefix="ALPHA", name="Alpha Corp")
    ada = contact_create(client=client, actor=None, first_name="Ada", email="ada@alpha.example")
    return ticket_create(client=client, actor=None, title="Printer jams", requester=ada)


def test_a_public_reply_reaches_the_requester_and_the_answer_threads_back(
    cast, ticket, smtp, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply_add(ticket=ticket, actor=cast.technician, body="Try tray 1 & tell me.")
    run_tasks()
    [(rcpt, mail)] = smtp.messages
    assert rcpt == ["ada@alpha.example"]
    assert mail["Subject"] == f"[{ticket.number}] Printer jams"
    sender = mail["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Acme IT", "acme@help.acme.example")
    assert "Try tray 1 & tell me." in mail.get_body(("plain",)).get_content()
    assert "Try tray 1 &amp; tell me." in mail.get_body(("html",)).get_content()

    answer = EmailMessage()
    answer["From"], answer["To"] = "ada@alpha.example", str(mail["From"])
    answer["Subject"] = "Re: " + mail["Subject"]
    answer.set_content("Works now, thanks!\n\nOn Fri, Acme IT wrote:\n> Try tray 1")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = mail_receive(account=cast.account, raw=answer.as_bytes())
    assert outcome.ticket == ticket and not outcome.created
    assert Reply.objects.filter(ticket=ticket).latest("id").body == "Works now, thanks!"
    run_tasks()
    assert len(smtp.messages) == 1  # the client's own message is not mailed back to them


def test_notes_and_tickets_without_a_requester_send_nothing(
    cast, ticket, smtp, run_tasks, django_capture_on_commit_callbacks
):
    silent = ticket_create(client=ticket.client, actor=cast.owner, title="Internal")
    with django_capture_on_commit_callbacks(execute=True):
        reply_add(ticket=ticket, actor=cast.technician, body="Note", public=False)
        reply_add(ticket=silent, actor=cast.technician, body="Nobody to tell")
    run_tasks()
    assert smtp.messages == []


def test_a_move_along_the_pipeline_is_told_to_the_requester(
    cast, ticket, smtp, run_tasks, django_capture_on_commit_callbacks
):
    from clientdesk.tickets.services import ticket_update
    from clientdesk.tickets.sla import settings_of

    found = settings_of(cast.account)
    found.status_labels = {"in_progress": "Being fixed"}
    found.save()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(ticket=ticket, actor=cast.technician, version=None, status="in_progress")
        ticket_update(ticket=ticket, actor=cast.technician, version=None, priority="high")
    run_tasks()
    [(rcpt, mail)] = smtp.messages  # the priority change tells nobody
    assert rcpt == ["ada@alpha.example"]
    assert mail["Subject"] == "[ALPHA-001] Printer jams: Being fixed"
    assert "is now Being fixed" in mail.get_body(("plain", "html")).get_content()


def test_the_primary_contact_may_ask_for_a_copy_of_every_ticket_email(
    cast, smtp, run_tasks, django_capture_on_commit_callbacks
):
    from django.test import Client

    from clientdesk.tickets.services import ticket_update

    ada = cast.portal_a  # Ada is Alpha's primary contact, with a portal login
    colleague = contact_create(
        client=ada.client, actor=None, first_name="Cy", email="cy@alpha.example"
    )
    ticket = ticket_create(client=ada.client, actor=None, title="Wi-Fi", requester=colleague)
    portal = Client()
    portal.force_login(ada.user)
    assert "Copy me on every request" in portal.get("/portal/requests/").text
    assert portal.post("/portal/requests/copies/", {"copies": "on"}).status_code == 302
    run_tasks()  # the portal invitations of the set-up
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply_add(ticket=ticket, actor=cast.technician, body="Restarting the access point.")
        ticket_update(ticket=ticket, actor=cast.technician, version=None, status="resolved")
    run_tasks()
    assert sorted(tuple(rcpt) for rcpt, _mail in smtp.messages) == [
        ("ada@alpha.example",), ("ada@alpha.example",), ("cy@alpha.example",), ("cy@alpha.example",),
    ]  # fmt: skip
    assert portal.post("/portal/requests/copies/", {"copies": "off"}).status_code == 302
    assert "Copy me on every request" in portal.get("/portal/requests/").text
    from tests.factories import make_portal_user

    other = make_portal_user(
        cast, ada.client, first_name="Di", email="di@alpha.example", primary=False
    )
    not_primary = Client()
    not_primary.force_login(other.user)
    assert "Copy me on every request" not in not_primary.get("/portal/requests/").text
    assert not_primary.post("/portal/requests/copies/", {"copies": "on"}).status_code == 404
