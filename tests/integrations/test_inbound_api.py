"""POST /api/v1/inbound-email: a raw message with the account's secret (Settings › Email in)."""

from email.message import EmailMessage

import pytest
from django.test import Client

from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.core.services import membership_set_client_access
from clientdesk.integrations.models import InboundSecret
from clientdesk.integrations.services import inbound_secret_make
from clientdesk.tickets.models import Reply, Ticket
from clientdesk.tickets.services import ticket_create
from tests.clients.factories import make_client

URL = "/api/v1/inbound-email"


def raw(sender: str, subject: str, body: str = "Hello") -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "inbox@forwarder.example", subject
    message.set_content(body)
    return message.as_bytes()


def post(data: bytes, secret: str | None):
    headers = {"X-Clientdesk-Inbound-Secret": secret} if secret is not None else {}
    return Client().post(URL, data=data, content_type="message/rfc822", headers=headers)


@pytest.fixture
def alpha(cast):
    client = make_client(cast, prefix="ALPHA", name="Alpha Corp", email_domains=["alpha.example"])
    contact_create(client=client, actor=None, first_name="Ada", email="ada@alpha.example")
    return client


def test_the_secret_opens_a_request_then_threads_the_answer(cast, alpha):
    _row, secret = inbound_secret_make(account=cast.account, actor=cast.owner)
    answer = post(raw("Ben <ben@alpha.example>", "Cannot print"), secret)
    assert answer.status_code == 201
    ticket = Ticket.objects.get()
    assert answer.json() == {"ticket_id": ticket.pk, "number": ticket.number, "created": True}
    assert Contact.objects.get(email="ben@alpha.example").source == "email"
    answer = post(raw("ben@alpha.example", f"RE: {ticket.number} Cannot print", "Still"), secret)
    assert answer.status_code == 201 and answer.json()["created"] is False
    assert Reply.objects.get(ticket=ticket).body == "Still"
    assert InboundSecret.objects.get().last_used_at is not None


def test_no_secret_a_wrong_one_or_an_old_one_is_401(cast, alpha):
    _row, old = inbound_secret_make(account=cast.account, actor=cast.owner)
    _row, new = inbound_secret_make(account=cast.account, actor=cast.owner)
    message = raw("ada@alpha.example", "Hi")
    for secret in (None, "", old, new + "x", "cd_" + new[5:]):
        answer = post(message, secret)
        assert answer.status_code == 401, secret
        assert "inbound secret" in answer.json()["detail"]
    # A bearer token is not the secret either.
    answer = Client().post(URL, data=message, content_type="message/rfc822")
    assert answer.status_code == 401
    assert Ticket.objects.count() == 0
    assert post(message, new).status_code == 201


def test_a_message_nobody_matches_or_nobody_can_read_is_422(cast, alpha):
    _row, secret = inbound_secret_make(account=cast.account, actor=cast.owner)
    answer = post(raw("eve@elsewhere.example", "Hi"), secret)
    assert answer.status_code == 422
    assert "not a contact of any client" in answer.json()["detail"]
    assert post(b"", secret).status_code == 422
    assert post(b"\x00\x01", secret).status_code == 422
    assert post(b"not a mail at all", secret).status_code == 422
    assert Ticket.objects.count() == 0


def test_another_accounts_secret_lands_in_that_account(cast, alpha):
    other = make_client(cast.other_account, prefix="GLOB", email_domains=["alpha.example"])
    _row, secret = inbound_secret_make(account=cast.other_account, actor=cast.outsider)
    assert post(raw("ada@alpha.example", "Hi"), secret).status_code == 201
    ticket = Ticket.objects.get()
    assert (ticket.account_id, ticket.client_id) == (cast.other_account.pk, other.pk)


def test_settings_shows_the_address_and_makes_a_secret_once(cast):
    browser = Client()
    browser.force_login(cast.owner.user)
    page = browser.get("/a/acme/settings/email-in/")
    assert page.status_code == 200
    assert "acme@" in page.text and "No secret yet" in page.text
    made = browser.post("/a/acme/settings/email-in/")
    secret = InboundSecret.objects.get(account=cast.account)
    assert "cdin_" in made.text and secret.prefix in made.text
    again = browser.get("/a/acme/settings/email-in/")
    assert secret.prefix in again.text and "shown only once" not in again.text
    viewer = Client()
    viewer.force_login(cast.technician.user)
    assert viewer.get("/a/acme/settings/email-in/").status_code == 403


def test_a_team_member_replies_by_mail_only_where_they_may_on_the_page(cast, alpha):
    _row, secret = inbound_secret_make(account=cast.account, actor=cast.owner)
    ticket = ticket_create(client=alpha, actor=None, title="Printer")
    other = make_client(cast, prefix="OTHER")
    membership_set_client_access(
        actor=cast.owner, membership=cast.technician, access="allow", clients=[other]
    )
    for member in (cast.viewer, cast.technician):  # no role for it; a client out of reach
        answer = post(raw(member.user.email, f"[{ticket.number}] x", "Done"), secret)
        assert answer.status_code == 422
        assert f"may not reply on {ticket.number}" in answer.json()["detail"]
    answer = post(raw(cast.manager.user.email, f"[{ticket.number}] x", "Done"), secret)
    assert answer.status_code == 201
    assert Reply.objects.get(ticket=ticket).author_id == cast.manager.user.pk
