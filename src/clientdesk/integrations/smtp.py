"""`clientdesk mailin`'s SMTP side (aiosmtpd): RCPT names an account, DATA becomes a ticket.

RCPT TO `<slug>@<any domain>` or `<slug>+anything@…` is accepted for an existing account and
refused with 550 otherwise. DATA hands the message to integrations.inbound once per account
named, and answers 250 with the ticket numbers, 550 with the reason a message is not taken
(no client matches the sender, a bounce, too large), or 451 when something failed on our side
(the sender's server tries again later). Mail to several accounts answers 250 when one of
them took it. The database work runs in a worker thread
(Django's ORM refuses to run inside the event loop), scoping enforced: accounts are not tenant
rows, and everything after is read through that account's scope.
"""

import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from clientdesk.core.tenancy import enforced
from clientdesk.integrations.inbound import Refused, account_for_address, mail_receive

log = logging.getLogger(__name__)


def _account_slug(address: str) -> str | None:
    close_old_connections()
    with enforced():
        account = account_for_address(address)
    return account.slug if account else None


def _receive(slug: str, raw: bytes) -> tuple[bool, str]:
    """(taken, text): the ticket number and what happened, or the reason it was refused."""
    close_old_connections()
    with enforced():
        account = account_for_address(f"{slug}@local")
        if account is None:
            return False, f"no account {slug}"
        try:
            outcome = mail_receive(account=account, raw=raw)
        except Refused as refused:
            return False, refused.message
    what = "new request" if outcome.created else "reply added"
    return True, f"{outcome.ticket.number} ({what})"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:400].encode("ascii", "replace").decode()


class MailinHandler:
    async def handle_RCPT(self, server, session: Session, envelope: Envelope, address, options):
        try:
            slug = await sync_to_async(_account_slug)(address)
        except Exception:
            log.exception("mail in: looking up %s failed", address)
            return "451 4.3.0 Try again later"
        if slug is None:
            return f"550 5.1.1 <{_one_line(address)}>: no Clientdesk account has this address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session: Session, envelope: Envelope):
        slugs = []
        for address in envelope.rcpt_tos:
            slug = await sync_to_async(_account_slug)(address)
            if slug and slug not in slugs:
                slugs.append(slug)
        taken, refused = [], []
        for slug in slugs:
            try:
                ok, text = await sync_to_async(_receive)(slug, envelope.content)
            except Exception:
                log.exception("mail in for %s from %s failed", slug, envelope.mail_from)
                return "451 4.3.0 The message could not be stored; try again later"
            (taken if ok else refused).append(text)
        if taken:
            return "250 OK: " + _one_line("; ".join(taken))
        return "550 5.7.1 " + _one_line("; ".join(refused) or "No recipient")


def controller_make(host: str, port: int) -> Controller:
    return Controller(
        MailinHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.MAILIN_MAX_BYTES,
        enable_SMTPUTF8=True,
        server_hostname=settings.MAILIN_DOMAIN,
    )
