"""Email goes through a real SMTP server (aiosmtpd) started by the test."""

import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from clientdesk.core.emails import email_queue
from clientdesk.core.models import Message
from clientdesk.core.services import staff_invite


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy))
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_URL = f"smtp://127.0.0.1:{controller.port}"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield inbox
    controller.stop()


def test_an_invitation_reaches_a_real_smtp_server_with_text_and_html(cast, smtp, run_tasks):
    staff_invite(actor=cast.owner, email="smtp@example.com", role="viewer")
    run_tasks()
    [(rcpt, mail)] = smtp.messages
    assert rcpt == ["smtp@example.com"]
    assert mail["From"].addresses[0].display_name == "Acme IT via Clientdesk"
    assert "/invitations/" in mail.get_body(("plain",)).get_content()
    assert "Set your password and join" in mail.get_body(("html",)).get_content()
    message = Message.objects.get()
    assert (message.state, message.via_outbox, message.attempts) == ("sent", False, 1)


def test_when_the_server_is_down_delivery_is_retried_then_marked_failed(cast, settings, run_tasks):
    settings.EMAIL_URL = "smtp://127.0.0.1:1"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_RETRY_SECONDS = 0
    settings.EMAIL_MAX_ATTEMPTS = 3
    staff_invite(actor=cast.owner, email="down@example.com", role="viewer")
    run_tasks()
    message = Message.objects.get()
    assert (message.state, message.attempts) == ("failed", 3)
    assert "ConnectionRefused" in message.last_error
    client = Client()
    client.force_login(cast.owner.user)
    assert "Failed" in client.get("/a/acme/settings/outbox/").text


def test_a_message_is_retried_until_the_server_comes_back(cast, settings, run_tasks):
    settings.EMAIL_URL = "smtp://127.0.0.1:1"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_RETRY_SECONDS = 3600  # the retry waits an hour: the worker leaves it queued
    staff_invite(actor=cast.owner, email="later@example.com", role="viewer")
    run_tasks()
    message = Message.objects.get()
    assert (message.state, message.attempts) == ("queued", 1)


def test_without_an_email_server_messages_stay_in_the_outbox_for_owners_and_admins(cast, run_tasks):
    email_queue(
        account=cast.account,
        to="a@example.com",
        kind="test",
        template="core/email/password_reset",
        context={"email": "a@example.com", "uid": "MQ", "token": "abc"},
    )
    run_tasks()
    message = Message.objects.get()
    assert (message.state, message.via_outbox) == ("sent", True)
    for role, status in [("owner", 200), ("admin", 200), ("manager", 403), ("viewer", 403)]:
        client = Client()
        client.force_login(cast.member(role).user)
        assert client.get(f"/a/acme/settings/outbox/{message.pk}/").status_code == status


def test_the_html_body_is_served_sandboxed(cast):
    message = email_queue(
        account=cast.account,
        to="a@example.com",
        kind="test",
        template="core/email/password_reset",
        context={"email": "a@example.com", "uid": "MQ", "token": "abc"},
    )
    client = Client()
    client.force_login(cast.owner.user)
    response = client.get(f"/a/acme/settings/outbox/{message.pk}/html/")
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "script-src" not in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_reset_email_of_someone_in_no_account_fails_quietly_in_the_worker(
    db, settings, run_tasks
):
    """A message of no account reaches the failure signal too; its listeners must take it."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("loner@example.com", "sunny-harbour-42")
    settings.EMAIL_URL = "smtp://127.0.0.1:1"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_RETRY_SECONDS = 0
    settings.EMAIL_MAX_ATTEMPTS = 1
    assert Client().post("/password-reset/", {"email": "loner@example.com"}).status_code == 302
    run_tasks()
    message = Message.objects.get()
    assert (message.account_id, message.state) == (None, "failed")
