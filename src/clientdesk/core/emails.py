"""Outgoing email: stored as a Message, delivered by a background task with retries.

With no CLIENTDESK_EMAIL_URL the message is kept in the outbox (state sent, via_outbox) that
owners and admins read in the browser, so a newcomer can follow links without a mail server.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from clientdesk.core.models import Message, MessageState
from clientdesk.core.signals import message_failed
from clientdesk.core.tenancy import unscoped

log = logging.getLogger(__name__)
REDACTED = "(link removed after delivery)"


def email_queue(
    *,
    account,
    to: str,
    kind: str,
    template: str,
    context: dict,
    requires: str = "",
    redact: list[str] | None = None,
    from_email: str = "",
) -> Message:
    """Render `<template>.txt`, `<template>.html` and `<template>_subject.txt`, store, deliver.
    `from_email`: a sender of the caller's (an account's own address); else Clientdesk's."""
    context = {"base_url": settings.BASE_URL, "account": account, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = Message.objects.create(
        account=account,
        to=to,
        from_email=from_email or _from_address(account),
        subject=subject,
        body_text=render_to_string(f"{template}.txt", context),
        body_html=render_to_string(f"{template}.html", context),
        kind=kind,
        requires=requires,
        redact=list(redact or []),
    )
    # The database task backend writes the job row in this same transaction, so the message
    # and its delivery job are committed (or rolled back) together: nothing is lost or sent twice.
    email_deliver.enqueue(message.pk)
    return message


def _from_address(account) -> str:
    if account is None:
        return settings.DEFAULT_FROM_EMAIL
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    name = account.name.replace('"', "")
    return f'"{name} via Clientdesk" <{address}>'


@task()
def email_deliver(message_id: int) -> str:
    with unscoped():  # a task: the message names its account, if it has one
        return _deliver(message_id)


def _deliver(message_id: int) -> str:
    message = Message.objects.filter(pk=message_id, state=MessageState.QUEUED).first()
    if message is None:
        return "gone"
    message.attempts += 1
    if not settings.EMAIL_URL:
        message.state, message.via_outbox, message.sent_at = MessageState.SENT, True, timezone.now()
        message.save(update_fields=["attempts", "state", "via_outbox", "sent_at"])
        return "outbox"
    try:
        _send_smtp(message)
    except Exception as exc:  # any SMTP or network failure: retry later, then give up visibly
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            message.state = MessageState.FAILED
            log.warning("email %s failed after %s attempts: %s", message.pk, message.attempts, exc)
        with transaction.atomic():
            message.save(update_fields=["attempts", "last_error", "state"])
            if message.state == MessageState.FAILED:
                message_failed.send(sender=Message, message=message)
        if message.state == MessageState.QUEUED:
            delay = settings.EMAIL_RETRY_SECONDS * 2 ** (message.attempts - 1)
            email_deliver.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
                message.pk
            )
        return message.state
    message.state, message.sent_at, message.last_error = MessageState.SENT, timezone.now(), ""
    for secret in message.redact:  # delivered: the link now lives only in the person's inbox
        message.body_text = message.body_text.replace(secret, REDACTED)
        message.body_html = message.body_html.replace(secret, REDACTED)
    message.redact = []
    message.save(
        update_fields=[
            "attempts",
            "state",
            "sent_at",
            "last_error",
            "body_text",
            "body_html",
            "redact",
        ]
    )
    return "sent"


def _send_smtp(message: Message) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.to],
        # SMTP by name: this is the one place mail leaves, and tests must not swap it for locmem.
        connection=get_connection(
            "django.core.mail.backends.smtp.EmailBackend", fail_silently=False
        ),
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send()
