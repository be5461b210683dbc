"""integrations.inbound's decisions on messages handed to it directly: which ticket a number
names, what is refused, what is left out."""

from email.message import EmailMessage

import pytest

from clientdesk.clients.services import client_update
from clientdesk.contacts.services import contact_create
from clientdesk.integrations.inbound import Refused, mail_receive, slug_of
from clientdesk.tickets.models import Ticket, TicketAttachment
from clientdesk.tickets.services import ticket_create, ticket_update
from tests.clients.factories import make_client


def raw(sender: str, subject: str, body: str = "Hello", **headers) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "acme@x.example", subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def alpha(cast):
    client = make_client(cast, prefix="ALPHA", name="Alpha Corp", email_domains=["alpha.example"])
    contact_create(client=client, actor=None, first_name="Ada", email="ada@alpha.example")
    return client


def test_the_address_names_the_account():
    assert slug_of("Acme+Support@Mail.Example") == "acme"
    assert slug_of("<acme@x>") == "acme"
    assert slug_of("no-at-sign") is None
    assert slug_of("-bad@x") is None


def test_a_number_made_twice_after_a_prefix_change_threads_onto_the_newest_open_one(cast, alpha):
    old = ticket_create(client=alpha, actor=None, title="Old one")  # ALPHA-001
    client_update(client=alpha, actor=None, version=None, prefix="NEWP")
    other = make_client(cast, prefix="ALPHA", name="Alpha Two", email_domains=["two.example"])
    contact_create(client=other, actor=None, first_name="Tom", email="tom@two.example")
    newer = ticket_create(client=other, actor=None, title="New one")  # ALPHA-001 again
    assert old.number == newer.number == "ALPHA-001"
    outcome = mail_receive(account=cast.account, raw=raw("tom@two.example", "Re: [alpha-001]"))
    assert outcome.ticket == newer and not outcome.created
    ticket_update(ticket=newer, actor=cast.owner, version=None, status="closed")
    outcome = mail_receive(account=cast.account, raw=raw("ada@alpha.example", "Re: ALPHA-001"))
    assert outcome.ticket == old  # the only open one


def test_someone_outside_the_tickets_client_opens_their_own_request(cast, alpha):
    ticket = ticket_create(client=alpha, actor=None, title="Alpha's")
    bravo = make_client(cast, prefix="BRAVO", email_domains=["bravo.example"])
    outcome = mail_receive(account=cast.account, raw=raw("bo@bravo.example", f"[{ticket.number}]"))
    assert outcome.created and outcome.ticket.client_id == bravo.pk


def test_bounces_automatic_replies_and_nul_bytes_are_refused(cast, alpha):
    with pytest.raises(Refused, match="Automatic"):
        mail_receive(
            account=cast.account,
            raw=raw("ada@alpha.example", "Out of office", Auto_Submitted="auto-replied"),
        )
    with pytest.raises(Refused, match="NUL"):
        mail_receive(account=cast.account, raw=raw("ada@alpha.example", "Hi") + b"\x00")
    with pytest.raises(Refused, match="no sender"):
        mail_receive(account=cast.account, raw=b"Subject: hi\r\n\r\nbody\r\n")
    assert Ticket.objects.count() == 0


def test_a_too_large_attachment_is_left_out_with_a_note(cast, alpha, settings):
    settings.MAILIN_ATTACHMENT_MAX_BYTES = 1000
    message = EmailMessage()
    message["From"], message["Subject"] = "ada@alpha.example", "Logs"
    message.set_content("Two files.")
    message.add_attachment(b"x" * 1001, maintype="application", subtype="zip", filename="big.zip")
    message.add_attachment(b"y" * 10, maintype="text", subtype="plain", filename="small.txt")
    outcome = mail_receive(account=cast.account, raw=message.as_bytes())
    assert outcome.attachments == 1
    assert [a.name for a in TicketAttachment.objects.all()] == ["small.txt"]
    assert "big.zip" in outcome.ticket.description


def test_a_message_over_the_size_limit_is_refused(cast, alpha, settings):
    settings.MAILIN_MAX_BYTES = 500
    with pytest.raises(Refused, match="larger than"):
        mail_receive(account=cast.account, raw=raw("ada@alpha.example", "Hi", "x" * 600))
