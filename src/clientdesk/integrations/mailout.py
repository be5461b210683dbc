"""Email out: staff's public reply on a ticket, and each move of it along the pipeline, go to
its requester by email.

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
    requester = ticket.requester
    if reply is None or reply.author_id is None or requester is None:
        return  # the client's own message, or nobody to write to
    to = (requester.email or "").strip()
    if not to or requester.deleted_at is not None or to.lower() == reply.author.email.lower():
        return
    account = ticket.account
    name = account.name.replace('"', "")
    with transaction.atomic():  # the message and its delivery job together (core.emails)
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
    requester = ticket.requester if ticket else None
    to = (requester.email or "").strip() if requester else ""
    if not to or requester.deleted_at is not None:
        return
    from clientdesk.tickets.queries import pipeline

    account = ticket.account
    name = account.name.replace('"', "")
    with transaction.atomic():
        email_queue(
            account=account,
            to=to,
            kind="ticket_status",
            template="integrations/email/ticket_status",
            context={"ticket": ticket, "status": pipeline(account).get(change[1], change[1])},
            from_email=f'"{name}" <{account_address(account)}>',
        )
