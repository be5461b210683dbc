"""Email out: staff's public reply on a ticket, and each move of it along the pipeline, go to
its requester by email, and to the client's primary contact when they asked for copies
(tickets.MailCopy, chosen in the portal).

A subscriber of the activity log (audit.events): on a committed `ticket.replied` whose newest
public reply is staff's, the requester (only the requester for now; no copies to other
contacts) gets the reply from the account's own address (`<slug>@<MAILIN_DOMAIN>`), with the
subject `[NUMBER] title`, so that answering it comes back through `clientdesk mailin` and
threads onto the ticket. Delivery is the outbox's (core.emails): queued, sent by the worker.
"""

from django.db import transaction

from clientdesk.audit.events import Event
from clientdesk.core.emails import email_queue
from clientdesk.integrations.inbound import account_address
from clientdesk.tickets.models import Reply, Ticket
from clientdesk.tickets.queries import mail_copies_to, pipeline

VERB = "ticket.replied"


def reply_mail(event: Event) -> None:
    if event.verb != VERB or not event.target_id.isdigit():
        return
    ticket = (
        Ticket.objects.for_account(event.account_id)
        .select_related("account", "requester", "client")
        .filter(pk=int(event.target_id), client__deleted_at=None)
        .first()
    )
    if ticket is None:
        return
    reply = (
        Reply.objects.for_account(event.account_id)
        .filter(ticket=ticket, public=True, created_at__lte=event.at)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )
    if reply is None or reply.author_id is None:
        return  # the client's own message
    account = ticket.account
    name = account.name.replace('"', "")
    with transaction.atomic():  # the messages and their delivery jobs together (core.emails)
        for to in recipients(ticket, but=reply.author.email):
            email_queue(
                account=account,
                to=to,
                kind="ticket_reply",
                template="integrations/email/ticket_reply",
                context={
                    "ticket": ticket,
                    "reply": reply,
                    "author": reply.author.display_name,
                },
                from_email=f'"{name}" <{account_address(account)}>',
            )


def status_mail(event: Event) -> None:
    """A move along the pipeline (`ticket.updated` with a new status), told to the requester
    in the account's name for the step; not when the requester moved it (nobody does, today)."""
    if event.verb != "ticket.updated" or not event.target_id.isdigit():
        return
    change = event.changes.get("status")
    if not change or len(change) != 2:
        return
    ticket = (
        Ticket.objects.for_account(event.account_id)
        .select_related("account", "requester", "client")
        .filter(pk=int(event.target_id), client__deleted_at=None)
        .first()
    )
    if ticket is None:
        return
    account = ticket.account
    name = account.name.replace('"', "")
    status = pipeline(account).get(change[1], change[1])
    with transaction.atomic():
        for to in recipients(ticket):
            email_queue(
                account=account,
                to=to,
                kind="ticket_status",
                template="integrations/email/ticket_status",
                context={"ticket": ticket, "status": status},
                from_email=f'"{name}" <{account_address(account)}>',
            )


def recipients(ticket: Ticket, *, but: str = "") -> list[str]:
    """The requester, then the primary contacts who asked for copies; each address once, and
    never the person who wrote the message."""
    found = []
    requester = ticket.requester
    if requester is not None and requester.deleted_at is None and requester.email:
        found.append(requester.email.strip())
    found += mail_copies_to(ticket)
    seen = {but.strip().lower()} if but else set()
    unique = []
    for address in found:
        if address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique
