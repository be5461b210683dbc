"""Email in: one raw message becomes a reply on a ticket or a new request (DESIGN §7).

Both doors end here: `clientdesk mailin` (SMTP, the account from the recipient
`<slug>@…` or `<slug>+anything@…`) and `POST /api/v1/inbound-email` (the account from its
secret). `mail_receive` decides, in one transaction:

- **A ticket number in the subject** (`[BPM-042] …`, `Re: BPM-042 …`; any of the account's
  numbers, the newest open ticket when an old prefix made a number twice) threads the message
  onto that ticket: from a team member's address it is their public reply (if their role and
  client limits let them reply on it; else refused); from a contact of
  the ticket's client, or from an address at one of its `email_domains`, it is the client's
  reply. Quoted history (from a line "On … wrote:" or "-----Original Message-----", and `>`
  lines at the end) is cut from such a reply, unless nothing would be left.
- **Otherwise** the sender opens a request for the client they belong to: a contact with that
  address (the one whose client claims the sender's domain, else the oldest), or else the client
  whose `email_domains` hold the sender's domain, where the sender becomes a contact (source
  `email`). A team member's own mail without a number is refused (it names no client).
- **Nothing matches**: refused, not kept (SMTP 550 / API 422, with the reason), so the sender
  learns at once that the mail went nowhere.

The body is the text part, else the HTML part sanitised with nh3 and turned into text (the
stored body is plain text, escaped wherever it is shown). Attachments are stored per account
and ticket (`TicketAttachment`, default storage under MEDIA_ROOT), each up to
`MAILIN_ATTACHMENT_MAX_BYTES` and 20 of them; the rest are left out with a note in the body. Automatic
mail (`Auto-Submitted` other than `no`, bounces) is refused so that two robots cannot loop.
"""

import html
import logging
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

import nh3
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from clientdesk.clients.models import Client
from clientdesk.contacts.models import Contact
from clientdesk.contacts.models import Source as ContactSource
from clientdesk.contacts.services import contact_create
from clientdesk.core.models import Account, Membership
from clientdesk.core.roles import can
from clientdesk.tickets.models import DONE, Reply, Source, Ticket, TicketAttachment
from clientdesk.tickets.services import reply_add, ticket_create

log = logging.getLogger(__name__)

MAX_ATTACHMENTS = 20
TITLE_MAX = 200
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$")
NUMBER_CANDIDATE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*[A-Za-z0-9]|[A-Za-z0-9]")
REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
QUOTE_HEADER = re.compile(
    r"^\s*(On\s.{0,300}\swrote:|-{2,}\s*Original Message\s*-{2,}|_{10,})\s*$", re.IGNORECASE
)
BLOCK_END = re.compile(r"(?i)<\s*(br\s*/?|/p|/div|/li|/tr|/h[1-6]|/blockquote)\s*>")


class Refused(Exception):
    """The message is not taken; `temporary` asks the sender to try again later (SMTP 451)."""

    def __init__(self, message: str, *, temporary: bool = False):
        super().__init__(message)
        self.message = message
        self.temporary = temporary


@dataclass
class Outcome:
    ticket: Ticket
    created: bool  # a new request (else a reply threaded onto `ticket`)
    reply: Reply | None
    attachments: int


# Addresses ---------------------------------------------------------------------------------


def slug_of(address: str) -> str | None:
    """The account slug an address names: `slug@…` or `slug+anything@…`, any case."""
    local, at, _domain = (address or "").strip().strip("<>").rpartition("@")
    if not at:
        return None
    slug = local.split("+", 1)[0].lower()
    return slug if SLUG.match(slug) else None


def account_for_address(address: str) -> Account | None:
    """The account a recipient names (accounts are not tenant rows: no scope to give)."""
    slug = slug_of(address)
    return Account.objects.filter(slug=slug).first() if slug else None


def account_address(account: Account) -> str:
    """Where the account's mail comes in, and the address replies to tickets go from."""
    return f"{account.slug}@{settings.MAILIN_DOMAIN}"


# Reading the message -----------------------------------------------------------------------


def message_parse(raw: bytes) -> EmailMessage:
    if len(raw) > settings.MAILIN_MAX_BYTES:
        raise Refused(
            _("The message is larger than %(mb)s MB.")
            % {"mb": settings.MAILIN_MAX_BYTES // (1024 * 1024)}
        )
    if b"\x00" in raw:
        raise Refused(_("The message contains NUL bytes."))
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        sender = _sender(message)
    except Exception:  # a header the parser chokes on: the message cannot be read
        raise Refused(_("The message cannot be read.")) from None
    if sender is None:
        raise Refused(_("The message has no sender address (From)."))
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto != "no" or str(message.get("Content-Type", "")).startswith("multipart/report"):
        raise Refused(_("Automatic replies and bounces are not taken."))
    return message


def _sender(message: EmailMessage) -> tuple[str, str] | None:
    """(name, lower-case address) of the From header."""
    pairs = getaddresses([str(message.get("From", ""))])
    for name, address in pairs:
        if "@" in address:
            return name.strip(), address.strip().lower()
    return None


def html_to_text(markup: str) -> str:
    """HTML as plain text: blocks become lines, every tag goes (scripts and styles with their
    content), entities become characters."""
    marked = BLOCK_END.sub("\n", markup)
    cleaned = nh3.clean(marked, tags=set(), clean_content_tags={"script", "style", "head"})
    text = html.unescape(cleaned).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: read what can be read
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return content.replace("\x00", "").replace("\r\n", "\n").strip()


def without_quotes(body: str) -> str:
    """The new part of a reply: up to the quoted history, if it can be told apart."""
    lines = body.splitlines()
    for i, line in enumerate(lines):
        if QUOTE_HEADER.match(line) or (
            # "On Tue, 1 Dec 2026, Ada <ada@…>" / "wrote:" wrapped over two lines
            i + 1 < len(lines)
            and line.strip().lower().startswith("on ")
            and lines[i + 1].strip().lower().endswith("wrote:")
        ):
            lines = lines[:i]
            break
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    kept = "\n".join(lines).strip()
    return kept or body


def attachments_of(message: EmailMessage) -> list[tuple[str, str, bytes]]:
    """(file name, content type, bytes) of each attached file."""
    found = []
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if not name or part.get_content_disposition() not in ("attachment", "inline"):
            continue
        data = part.get_payload(decode=True) or b""
        found.append((str(name).replace("\x00", ""), part.get_content_type(), data))
    return found


def title_of(subject: str) -> str:
    title = REPLY_PREFIX.sub("", " ".join(subject.split())).strip()
    return (title or _("(no subject)"))[:TITLE_MAX]


# Who and what it is about ------------------------------------------------------------------


def ticket_in_subject(account: Account, subject: str) -> Ticket | None:
    """The ticket whose number appears in the subject; among several (a number made twice
    after a prefix change, or two numbers), the newest open one, else the newest."""
    words = {w.upper() for w in NUMBER_CANDIDATE.findall(subject or "")[:60] if len(w) <= 40}
    if not words:
        return None
    tickets = list(
        Ticket.objects.for_account(account)
        .filter(number__in=words, client__deleted_at=None)
        .select_related("client", "client__account")
        .order_by("-created_at", "-id")
    )
    open_ones = [t for t in tickets if t.status not in DONE]
    return (open_ones or tickets or [None])[0]


def staff_member(account: Account, address: str) -> Membership | None:
    return (
        Membership.objects.for_account(account)
        .select_related("account", "user")
        .filter(user__email__iexact=address, user__is_active=True)
        .first()
    )


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def client_by_domain(account: Account, domain: str) -> Client | None:
    clients = (
        Client.objects.for_account(account)
        .filter(deleted_at=None)
        .exclude(email_domains=[])
        .select_related("account")
        .only("pk", "email_domains", "account", "prefix", "name")
    )
    for client in clients.iterator():
        if domain in (client.email_domains or []):
            return Client.objects.for_account(account).select_related("account").get(pk=client.pk)
    return None


def contacts_with(account: Account, address: str, client: Client | None = None):
    contacts = Contact.objects.for_account(account).filter(
        email__iexact=address, deleted_at=None, client__deleted_at=None
    )
    if client is not None:
        contacts = contacts.filter(client=client)
    return contacts.select_related("client", "client__account").order_by("pk")


def _contact_add(client: Client, name: str, address: str) -> Contact:
    first, _sep, last = (name or address.partition("@")[0]).strip().partition(" ")
    return contact_create(
        client=client,
        actor=None,
        first_name=(first or address.partition("@")[0])[:80],
        last_name=last.strip()[:80],
        email=address,
        source=ContactSource.EMAIL,
    )


def client_contact(client: Client, name: str, address: str) -> Contact | None:
    """The sender as a contact of `client`: known, or added when their domain is the client's."""
    known = contacts_with(client.account, address, client).first()
    if known is not None:
        return known
    if _domain(address) in (client.email_domains or []):
        return _contact_add(client, name, address)
    return None


def requester_for(account: Account, name: str, address: str) -> Contact:
    """The contact who opens a request: known by address, or new at the client of their
    domain; else refused."""
    domain_client = client_by_domain(account, _domain(address))
    known = list(contacts_with(account, address)[:50])
    if known:
        ours = [c for c in known if domain_client and c.client_id == domain_client.pk]
        return (ours or known)[0]
    if domain_client is not None:
        return _contact_add(domain_client, name, address)
    raise Refused(
        _(
            "%(address)s is not a contact of any client of %(account)s, and no client has the domain."
        )
        % {"address": address, "account": account.name}
    )


# The decision ------------------------------------------------------------------------------


def mail_receive(*, account: Account, raw: bytes) -> Outcome:
    """Thread the message onto its ticket, or open a request (see the module's docstring);
    raises Refused with the reason to give the sender. Logs each message at INFO."""
    try:
        return _receive(account, raw)
    except Refused as refused:
        log.info("mail in for %s refused: %s", account.slug, refused.message)
        raise


def _receive(account: Account, raw: bytes) -> Outcome:
    message = message_parse(raw)
    try:
        name, address = _sender(message)
        name = name.replace("\x00", "")
        subject = str(message.get("Subject", "") or "").replace("\x00", "")
        body = body_of(message)
        found = attachments_of(message)
    except Exception:  # a part the parser cannot decode: the message cannot be read
        raise Refused(_("The message cannot be read.")) from None
    files, left_out = [], []
    for item in found:
        fits = len(item[2]) <= settings.MAILIN_ATTACHMENT_MAX_BYTES and len(files) < MAX_ATTACHMENTS
        (files if fits else left_out).append(item)
    if left_out:
        body += "\n\n" + _("(Attachments left out, too large or too many: %(names)s)") % {
            "names": ", ".join(filename for filename, _type, _data in left_out)
        }
    try:
        with transaction.atomic():
            outcome = _thread_or_open(account, message, name, address, subject, body)
            outcome.attachments = _attachments_store(outcome, files)
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from None
    log.info(
        "mail in for %s from %s: %s %s (%s attachments)",
        account.slug,
        address,
        "opened" if outcome.created else "replied on",
        outcome.ticket.number,
        outcome.attachments,
    )
    return outcome


def _thread_or_open(account, message, name, address, subject, body) -> Outcome:
    ticket = ticket_in_subject(account, subject)
    if ticket is not None:
        text = without_quotes(body) or _("(empty message)")
        member = staff_member(account, address)
        if member is not None:
            _may_reply(member, ticket)
            reply = reply_add(
                ticket=ticket, actor=member, body=text, public=True, source=Source.EMAIL
            )
            return Outcome(ticket, False, reply, 0)
        contact = client_contact(ticket.client, name, address)
        if contact is not None:
            reply = reply_add(
                ticket=ticket, actor=None, contact=contact, body=text, source=Source.EMAIL
            )
            return Outcome(ticket, False, reply, 0)
        # Someone outside the ticket's client: not theirs to answer; maybe a request of their own.
    if staff_member(account, address) is not None:
        raise Refused(
            _("Mail from the team needs a ticket number in its subject, e.g. [%(n)s].")
            % {"n": "ABC-001"}
        )
    requester = requester_for(account, name, address)
    ticket = ticket_create(
        client=requester.client,
        actor=None,
        title=title_of(subject),
        description=body,
        requester=requester,
        source=Source.EMAIL,
    )
    return Outcome(ticket, True, None, 0)


def _stored_name(filename: str) -> str:
    """The file name to store under: no folders, no leading dots, safe characters."""
    base = re.split(r"[/\\]", filename)[-1].lstrip(".")
    try:
        return get_valid_filename(base)[-100:]
    except SuspiciousFileOperation:  # nothing usable left
        return "file"


def _may_reply(member: Membership, ticket: Ticket) -> None:
    """A team member answers by mail as on the page: with the role for it, on a ticket of a
    client they may see."""
    if not can(member, "tickets.write") or not (
        Ticket.objects.for_member(member).filter(pk=ticket.pk).exists()
    ):
        raise Refused(
            _("%(address)s may not reply on %(number)s.")
            % {"address": member.user.email, "number": ticket.number}
        )


def _attachments_store(outcome: Outcome, files) -> int:
    ticket = outcome.ticket
    for filename, content_type, data in files:
        safe = _stored_name(filename)
        attachment = TicketAttachment(
            account_id=ticket.account_id,
            client_id=ticket.client_id,
            ticket=ticket,
            reply=outcome.reply,
            name=filename[:200],
            content_type=content_type[:100],
            size=len(data),
        )
        attachment.file.save(safe, ContentFile(data), save=False)
        attachment.save()
    return len(files)
