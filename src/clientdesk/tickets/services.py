"""Every write on tickets: creation with its number and due times, edits, the pipeline's
moves (which stop and start the SLA clock), replies and notes (DESIGN §4).

The SLA clock (tickets/sla.py): a due time is the working time of the client's SLA after the
ticket's creation, plus the working minutes it spent waiting on the client. While it waits,
the due times are cleared (nothing can breach), and a due time that had already passed is kept
as a breach. The first response is staff's first public reply, or their first move of the
ticket out of *new*; the resolution is the move to *resolved* or *closed*.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import diff_fields, event_record
from clientdesk.clients.models import Client
from clientdesk.contacts.models import Contact
from clientdesk.core.actors import actor_user
from clientdesk.core.models import Membership
from clientdesk.tickets.clock import Calendar
from clientdesk.tickets.events import TICKET_CREATED, TICKET_NOTED, TICKET_REPLIED, TICKET_UPDATED
from clientdesk.tickets.models import DONE, Reply, Source, Status, Ticket
from clientdesk.tickets.numbering import number_format, seq_next
from clientdesk.tickets.sla import calendar_of, times_for

EDITABLE = ("title", "description", "kind", "priority", "status", "assignee", "requester")
MAX_FILES = 10  # per message


def _files_attach(ticket: Ticket, reply: Reply | None, files) -> None:
    """Keep a message's uploaded files, checked as documents are (size, programs refused by
    their bytes and extension) and stored under generated names; all of them or none."""
    from clientdesk.documents.storage import file_discard, file_store
    from clientdesk.tickets.models import TicketAttachment

    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError(
            {"files": _("At most %(n)s files with one message.") % {"n": MAX_FILES}}
        )
    stored = []
    try:
        for upload in files:
            kept = file_store(
                upload, account_id=ticket.account_id, client_id=ticket.client_id, area="tickets"
            )
            stored.append(kept)
            attachment = TicketAttachment(
                account_id=ticket.account_id,
                client_id=ticket.client_id,
                ticket=ticket,
                reply=reply,
                name=kept.filename[:200],
                content_type=kept.content_type[:100],
                size=kept.size,
            )
            attachment.file.name = kept.stored_name
            attachment.save()
    except ValidationError as exc:
        for kept in stored:
            file_discard(kept.stored_name)
        raise ValidationError({"files": exc.messages}) from None
    except Exception:
        for kept in stored:
            file_discard(kept.stored_name)
        raise


class StaleTicket(Exception):
    def __init__(self, ticket: Ticket):
        super().__init__("stale version")
        self.current = ticket


# The SLA clock -------------------------------------------------------------------------


def _dues_set(ticket: Ticket, calendar: Calendar) -> None:
    """Set the due times still running from the client's SLA, the clock and the pauses."""
    if ticket.paused_at is not None:
        ticket.response_due_at = ticket.resolution_due_at = None
        return
    response, resolution = times_for(ticket.client, ticket.kind, ticket.priority)
    start, paused = ticket.created_at, ticket.paused_minutes
    ticket.response_due_at = calendar.add(start, response + paused) if response else None
    ticket.resolution_due_at = calendar.add(start, resolution + paused) if resolution else None


def _breaches_note(ticket: Ticket, now: datetime) -> None:
    """Keep a due time that passed before what it waited for as a breach."""
    due = ticket.response_due_at
    if due is not None and (ticket.first_response_at or now) > due:
        ticket.response_breached = True
    due = ticket.resolution_due_at
    if due is not None and (ticket.resolved_at or now) > due:
        ticket.resolution_breached = True


def _status_apply(ticket: Ticket, status: str, now: datetime, calendar: Calendar, staff: bool):
    before = ticket.status
    if status == before:
        return
    if staff and ticket.first_response_at is None and status != Status.NEW:
        ticket.first_response_at = now  # any move staff make is seen by the client
    _breaches_note(ticket, now)
    if before == Status.WAITING and ticket.paused_at is not None:
        ticket.paused_minutes += calendar.between(ticket.paused_at, now)
        ticket.paused_at = None
    if status == Status.WAITING:
        ticket.paused_at = now
    if status in DONE:
        ticket.resolved_at = ticket.resolved_at or now
        if status == Status.CLOSED:
            ticket.closed_at = ticket.closed_at or now
    else:
        ticket.resolved_at = ticket.closed_at = None
    ticket.status = status
    _dues_set(ticket, calendar)


# Writes --------------------------------------------------------------------------------


def _clean(ticket: Ticket) -> None:
    ticket.title = (ticket.title or "").strip()
    ticket.full_clean(
        exclude=["account", "client", "seq", "number", "requester", "assignee", "created_by"],
        validate_constraints=False,
    )
    if ticket.requester_id is not None:
        requester = ticket.requester
        if requester is None or requester.client_id != ticket.client_id or requester.deleted_at:
            raise ValidationError(
                {"requester": _("The requester must be a contact of this ticket's client.")}
            )
    if ticket.assignee_id is not None and not (
        Membership.objects.for_account(ticket.account_id)
        .filter(user_id=ticket.assignee_id)
        .exists()
    ):
        raise ValidationError({"assignee": _("The assignee must be a member of the team.")})


@transaction.atomic
def ticket_create(
    *,
    client: Client,
    actor,
    title: str,
    kind: str = "request",
    priority: str = "normal",
    description: str = "",
    requester: Contact | None = None,
    assignee=None,
    source: str = Source.STAFF,
    now: datetime | None = None,
    files=(),
) -> Ticket:
    """A new ticket of `client`, numbered from its prefix, its SLA's due times set; `files`
    (uploads) come with it."""
    now = now or timezone.now()
    account = client.account
    ticket = Ticket(
        account_id=account.pk,
        client=client,
        title=title,
        kind=kind,
        priority=priority,
        description=description or "",
        requester=requester,
        assignee=assignee,
        created_by=actor_user(actor),
        source=source,
        created_at=now,
        updated_at=now,
    )
    _clean(ticket)
    if client.deleted_at is not None:
        raise ValidationError({"client": _("This client was deleted.")})
    ticket.seq = seq_next(client)
    ticket.number = number_format(
        fmt=account.ticket_number_format,
        account_code=account.account_code,
        prefix=client.prefix,
        seq=ticket.seq,
    )
    _dues_set(ticket, calendar_of(account))
    ticket.save()
    _files_attach(ticket, None, files)
    event_record(
        account=account,
        actor=actor,
        verb=TICKET_CREATED,
        target=ticket,
        changes={"client": [None, client.pk], "kind": [None, kind], "priority": [None, priority]},
    )
    return ticket


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.for_account(ticket.account_id)
        .select_for_update(of=("self",))
        .select_related("client", "client__account")
        .get(pk=ticket.pk)
    )


@transaction.atomic
def ticket_update(
    *, ticket: Ticket, actor, version: int | None, now: datetime | None = None, **fields: Any
) -> Ticket:
    """Change the fields given; a priority or kind change sets the due times again, a status
    change moves the SLA clock (see the module's docstring)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not ticket fields: {sorted(unknown)}")
    now = now or timezone.now()
    locked = _locked(ticket)
    if version is not None and locked.version != version:
        raise StaleTicket(locked)
    watched = [f"{n}_id" if n in ("assignee", "requester") else n for n in fields]
    before = {name: getattr(locked, name) for name in watched}
    status = fields.pop("status", None)
    for name, value in fields.items():
        setattr(locked, name, value)
    _clean(locked)
    calendar = calendar_of(locked.client.account)
    if status is not None:
        if status not in Status.values:
            raise ValidationError({"status": _("Unknown status %(s)s.") % {"s": status}})
        _status_apply(locked, status, now, calendar, staff=True)
    if before.get("priority", locked.priority) != locked.priority or (
        before.get("kind", locked.kind) != locked.kind
    ):
        _breaches_note(locked, now)
        _dues_set(locked, calendar)
    after = {name: getattr(locked, name) for name in watched}
    changes = diff_fields(
        {k.removesuffix("_id"): v for k, v in before.items()},
        {k.removesuffix("_id"): v for k, v in after.items()},
    )
    if changes:
        locked.version += 1
        locked.updated_at = now
        locked.save()
        event_record(
            account=locked.client.account,
            actor=actor,
            verb=TICKET_UPDATED,
            target=locked,
            changes=changes,
        )
    return locked


@transaction.atomic
def reply_add(
    *,
    ticket: Ticket,
    actor,
    body: str,
    public: bool = True,
    minutes: int = 0,
    contact: Contact | None = None,
    source: str = Source.STAFF,
    now: datetime | None = None,
    files=(),
) -> Reply:
    """A reply on the ticket's conversation (public) or an internal note (not public).

    Staff's first public reply is the first response, and a reply to a *new* ticket opens it;
    the client's reply to a ticket waiting on them brings it back to *open*.
    """
    now = now or timezone.now()
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if "\x00" in body:
        raise ValidationError({"body": _("Text cannot contain NUL characters.")})
    locked = _locked(ticket)
    from_client = not isinstance(actor, Membership)
    if from_client and not public:
        raise ValidationError({"public": _("A client's message is always public.")})
    reply = Reply(
        account_id=locked.account_id,
        client_id=locked.client_id,
        ticket=locked,
        author=None if from_client else actor_user(actor),
        contact=contact,
        body=body,
        public=public,
        source=source,
        minutes=max(0, int(minutes or 0)),
        created_at=now,
    )
    reply.save()
    _files_attach(locked, reply, files)
    calendar = calendar_of(locked.client.account)
    if from_client:
        if locked.status in (Status.WAITING, Status.RESOLVED):
            _status_apply(locked, Status.OPEN, now, calendar, staff=False)
    elif public:
        if locked.first_response_at is None:
            locked.first_response_at = now
            _breaches_note(locked, now)
        if locked.status == Status.NEW:
            _status_apply(locked, Status.OPEN, now, calendar, staff=True)
    locked.minutes_logged += reply.minutes
    locked.version += 1
    locked.updated_at = now
    locked.save()
    event_record(
        account=locked.client.account,
        actor=actor,
        verb=TICKET_REPLIED if public else TICKET_NOTED,
        target=locked,
    )
    return reply


@transaction.atomic
def mail_copy_set(*, contact: Contact, on: bool) -> None:
    """The client's primary contact chooses whether every ticket email of their client reaches
    them too (the requester always gets their own)."""
    from clientdesk.tickets.models import MailCopy

    if on and not contact.is_primary:
        raise ValidationError({"copy": _("Only the client's primary contact can ask for copies.")})
    copies = MailCopy.objects.for_client(contact.client).filter(contact=contact)
    if on:
        if not copies.exists():
            MailCopy.objects.create(
                account_id=contact.account_id, client_id=contact.client_id, contact=contact
            )
    else:
        copies.delete()
