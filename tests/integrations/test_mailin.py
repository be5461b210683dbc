"""Email in through a real `clientdesk mailin` (a subprocess on a free port, on the test's
database) and a real SMTP client (smtplib): threading by the number in the subject, new
requests from known contacts and from people at a client's domain, staff replies, refusals,
HTML made safe, attachments kept."""

import os
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.tickets.models import Reply, Ticket, TicketAttachment
from clientdesk.tickets.services import ticket_create
from tests.clients.factories import make_client

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(scope="module")
def mailin(django_db_setup, django_db_blocker):
    """`clientdesk mailin --port P` running on the test database; answers its port."""
    port = free_port()
    with django_db_blocker.unblock():
        url = database_url()
    env = {**os.environ, "CLIENTDESK_DATABASE_URL": url, "CLIENTDESK_DEBUG": "1"}
    command = [sys.executable, "-m", "clientdesk", "mailin", "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, server.stdout.read()
            time.sleep(0.2)
    yield port
    server.terminate()
    out, _err = server.communicate(timeout=20)
    assert "listening for SMTP" in out


def send(port: int, message: EmailMessage, to: str = "acme@mail.example") -> tuple[int, str]:
    """Send through SMTP; answers the DATA reply (code, text), or RCPT's refusal."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.ehlo()
        smtp.mail(message["From"].addresses[0].addr_spec)
        code, text = smtp.rcpt(to)
        if code != 250:
            return code, text.decode()
        code, text = smtp.data(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
        return code, text.decode()


def mail(sender: str, subject: str, body: str = "Hello", html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "acme@mail.example", subject
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


@pytest.fixture
def alpha(cast):
    client = make_client(cast, prefix="ALPHA", name="Alpha Corp", email_domains=["alpha.example"])
    ada = contact_create(client=client, actor=None, first_name="Ada", email="ada@alpha.example")
    return client, ada


def test_a_number_in_the_subject_threads_the_mail_onto_its_ticket(cast, alpha, mailin):
    client, ada = alpha
    ticket = ticket_create(client=client, actor=cast.owner, title="Printer jams", requester=ada)
    message = mail(
        "Ada Lovelace <ADA@alpha.example>",
        f"Re: [{ticket.number}] Printer jams",
        "It jams again on tray 2.\n\nOn Tue, 1 Dec 2026, Acme IT <acme@x> wrote:\n> old text\n",
    )
    code, text = send(mailin, message, to="Acme+support@Mail.Example")
    assert code == 250 and ticket.number in text
    [reply] = Reply.objects.filter(ticket=ticket)
    assert reply.body == "It jams again on tray 2."  # the quoted history is cut
    assert (reply.contact_id, reply.author_id, reply.source) == (ada.pk, None, "email")
    assert Ticket.objects.count() == 1


def test_a_known_contact_without_a_number_opens_a_request(cast, alpha, mailin):
    client, ada = alpha
    code, text = send(mailin, mail("ada@alpha.example", "Fwd: New laptop for Bob", "Please."))
    assert code == 250
    ticket = Ticket.objects.get()
    assert ticket.number in text and "new request" in text
    assert (ticket.client_id, ticket.requester_id, ticket.source) == (client.pk, ada.pk, "email")
    assert (ticket.title, ticket.description, ticket.kind) == (
        "New laptop for Bob",
        "Please.",
        "request",
    )


def test_someone_new_at_a_clients_domain_opens_a_request_and_becomes_a_contact(cast, alpha, mailin):
    client, _ada = alpha
    code, _text = send(mailin, mail("Grace Hopper <grace@alpha.example>", "VPN is down"))
    assert code == 250
    grace = Contact.objects.get(email="grace@alpha.example")
    assert (grace.client_id, grace.first_name, grace.last_name, grace.source) == (
        client.pk,
        "Grace",
        "Hopper",
        "email",
    )
    ticket = Ticket.objects.get()
    assert (ticket.client_id, ticket.requester_id, ticket.title) == (
        client.pk,
        grace.pk,
        "VPN is down",
    )


def test_a_team_members_mail_with_a_number_is_their_public_reply(cast, alpha, mailin):
    client, ada = alpha
    ticket = ticket_create(client=client, actor=None, title="Printer", requester=ada)
    tech = cast.technician.user
    code, _text = send(
        mailin, mail(tech.email.upper(), f"{ticket.number}: on my way", "On my way.")
    )
    assert code == 250
    [reply] = Reply.objects.filter(ticket=ticket)
    assert (reply.author_id, reply.public, reply.source) == (tech.pk, True, "email")
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.first_response_at is not None


def test_unknown_accounts_and_unknown_senders_are_refused(cast, alpha, mailin):
    code, text = send(mailin, mail("ada@alpha.example", "Hi"), to="nobody@mail.example")
    assert code == 550 and "no Clientdesk account" in text
    code, text = send(mailin, mail("eve@elsewhere.example", "Hi"))
    assert code == 550 and "not a contact of any client" in text
    # Someone of another account's client is a stranger here too.
    other = make_client(cast.other_account, prefix="GLOB", email_domains=["globex.example"])
    contact_create(client=other, actor=None, first_name="Gus", email="gus@globex.example")
    code, _text = send(mailin, mail("gus@globex.example", "Hi"))
    assert code == 550
    code, text = send(mailin, mail(cast.owner.user.email, "No number"))
    assert code == 550 and "ticket number" in text
    assert Ticket.objects.count() == 0 and Contact.objects.count() == 2


def test_html_is_sanitised_and_attachments_are_kept(cast, alpha, mailin):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "ada@alpha.example", "acme@x", "Screens"
    message.set_content(
        "<p>See <b>the</b> screenshot &amp; log.</p><script>alert('x')</script>"
        "<img src=x onerror=alert(1)><p>Thanks</p>",
        subtype="html",
    )
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    message.add_attachment(png, maintype="image", subtype="png", filename="../screen shot.png")
    message.add_attachment(b"line 1\n", maintype="text", subtype="plain", filename="log.txt")
    code, text = send(mailin, message)
    assert code == 250, text
    ticket = Ticket.objects.get()
    assert ticket.description == "See the screenshot & log.\nThanks"
    assert "alert" not in ticket.description and "<" not in ticket.description
    files = {a.name: a for a in TicketAttachment.objects.filter(ticket=ticket)}
    assert set(files) == {"../screen shot.png", "log.txt"}
    shot = files["../screen shot.png"]
    assert (shot.content_type, shot.size) == ("image/png", len(png))
    stored = Path(settings.MEDIA_ROOT) / shot.file.name
    assert stored.read_bytes() == png
    assert shot.file.name.startswith(f"accounts/{cast.account.pk}/tickets/{ticket.pk}/")
    assert ".." not in shot.file.name
