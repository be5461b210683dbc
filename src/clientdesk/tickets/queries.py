"""Reads on tickets shared by the pages and the API: the filtered list, one ticket, breaches,
the conversation. A ticket is reachable only through a client the member may see."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from clientdesk.core.models import Membership, User
from clientdesk.core.pagination import Page, keyset_page
from clientdesk.core.tenancy import get_for
from clientdesk.tickets.models import Reply, Status, Ticket, TicketSettings

ORDER = ["-created_at", "-id"]


def breached_q(now: datetime | None = None) -> Q:
    """Tickets that missed a due time: kept as a breach, or a due time passed with nothing
    done (a due time is cleared while the ticket waits on the client)."""
    now = now or timezone.now()
    return (
        Q(response_breached=True)
        | Q(resolution_breached=True)
        | Q(first_response_at=None, response_due_at__lt=now)
        | Q(resolved_at=None, resolution_due_at__lt=now)
    )


def tickets_breached(account) -> QuerySet[Ticket]:
    return Ticket.objects.for_account(account).filter(breached_q())


@dataclass
class TicketFilters:
    client: int | None = None
    kind: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    assignee: int | None = None  # a user id; 0: nobody
    breached: bool | None = None
    q: str = ""


def tickets_visible(membership: Membership) -> QuerySet[Ticket]:
    return Ticket.objects.for_member(membership)


def filtered(membership: Membership, filters: TicketFilters) -> QuerySet[Ticket]:
    qs = tickets_visible(membership)
    if filters.client is not None:
        qs = qs.filter(client_id=filters.client)
    if filters.kind:
        qs = qs.filter(kind__in=filters.kind)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.priority:
        qs = qs.filter(priority__in=filters.priority)
    if filters.assignee is not None:
        qs = qs.filter(assignee_id=filters.assignee or None)
    if filters.breached is not None:
        qs = qs.filter(breached_q()) if filters.breached else qs.exclude(breached_q())
    q = filters.q.strip()
    if q:
        # A number finds its ticket whatever its case; otherwise the words of the title.
        by_number = Q(number=q.upper())
        by_title = Q()
        for word in q.split():
            by_title &= Q(title__icontains=word)
        qs = qs.filter(by_number | by_title)
    return qs


def ticket_page(
    membership: Membership, filters: TicketFilters, *, cursor: str | None, limit: int
) -> Page:
    qs = filtered(membership, filters).select_related("client", "assignee", "requester")
    return keyset_page(qs, order=ORDER, cursor=cursor, limit=limit)


def get_ticket(*, membership: Membership, pk) -> Ticket:
    """A ticket of a client this person may see, else 404 (like a missing one)."""
    return get_for(membership, Ticket.objects.select_related("client", "assignee", "requester"), pk)


def conversation(ticket: Ticket, *, public_only: bool = False) -> QuerySet[Reply]:
    replies = Reply.objects.for_client(ticket.client).filter(ticket=ticket)
    if public_only:
        replies = replies.filter(public=True)
    return replies.select_related("author", "contact").order_by("created_at", "id")


def is_breached(ticket: Ticket, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(
        ticket.response_breached
        or ticket.resolution_breached
        or (
            ticket.first_response_at is None
            and ticket.response_due_at
            and ticket.response_due_at < now
        )
        or (
            ticket.resolved_at is None
            and ticket.resolution_due_at
            and ticket.resolution_due_at < now
        )
    )


def member_by_email(account, email: str):
    """The team member's user with this email (any case), or None."""
    return (
        User.objects.filter(
            pk__in=Membership.objects.for_account(account).values("user_id"),
            email__iexact=email.strip(),
        )
        .order_by("pk")
        .first()
    )


def pipeline(account) -> dict[str, str]:
    """The pipeline's steps in order, with the account's names for them."""
    found = TicketSettings.objects.for_account(account).values_list("status_labels", flat=True)
    names = next(iter(found), None) or {}
    return {key: names.get(key) or str(label) for key, label in Status.choices}


def open_breaches(*, membership: Membership, client) -> QuerySet[Ticket]:
    """The client's own open tickets that missed a due time (the client page shows them)."""
    return (
        tickets_visible(membership)
        .filter(client_id=client.pk, resolved_at=None)
        .filter(breached_q())
        .order_by("created_at", "id")
    )


def open_count(*, membership: Membership, client) -> int:
    return tickets_visible(membership).filter(client_id=client.pk, resolved_at=None).count()


def board(membership: Membership, filters: "TicketFilters", *, per_column: int = 50) -> dict:
    """The pipeline's columns: the newest `per_column` tickets of each status, and each
    column's count (one query per column, each on the status index)."""
    base = filtered(membership, filters).select_related("client", "assignee")
    columns = {}
    for status in pipeline(membership.account):
        qs = base.filter(status=status)
        columns[status] = {
            "items": list(qs.order_by("-created_at", "-id")[:per_column]),
            "count": qs.count(),
        }
    return columns


def search_matches(*, membership: Membership, q: str, limit: int = 8) -> list[Ticket]:
    """For the global search: the ticket whose number is `q` (any case), then tickets whose
    title holds every word of `q`, newest first."""
    q = (q or "").strip()
    if not q:
        return []
    found = filtered(membership, TicketFilters(q=q)).select_related("client")
    return list(found.order_by(*ORDER)[:limit])


def decorate(tickets: list[Ticket], account) -> list[Ticket]:
    """What a list shows beside each ticket: its step's name and whether it is breached."""
    names, now = pipeline(account), timezone.now()
    for ticket in tickets:
        ticket.status_label = names.get(ticket.status, ticket.status)  # type: ignore[attr-defined]
        ticket.breached = is_breached(ticket, now)  # type: ignore[attr-defined]
    return tickets


# The portal: a client's own tickets, as the client sees them ------------------------------


def portal_tickets(client) -> QuerySet[Ticket]:
    """The tickets of the client the portal shows (portal.queries.portal_scope chose it)."""
    return Ticket.objects.for_client(client)


def portal_ticket(client, pk) -> Ticket:
    from clientdesk.core.tenancy import get_or_404

    return get_or_404(portal_tickets(client).select_related("requester"), pk=pk)


def portal_fingerprint(client) -> str:
    """What changes whenever a ticket of the client does (one aggregate): the portal's
    pipeline polls with it and is answered 204 while it holds."""
    from django.db.models import Count, Max

    found = portal_tickets(client).aggregate(n=Count("id"), at=Max("updated_at"))
    at = found["at"].timestamp() if found["at"] else 0
    return f"{found['n']}-{at:.6f}"


def attachments_of(ticket: Ticket, *, public_only: bool = False) -> dict:
    """The ticket's files by the reply they came with (None: the ticket's own); for the client
    only those of public replies and of the ticket itself."""
    from clientdesk.tickets.models import TicketAttachment

    found = TicketAttachment.objects.for_client(ticket.client).filter(ticket=ticket)
    if public_only:
        found = found.filter(Q(reply=None) | Q(reply__public=True))
    grouped: dict = {}
    for attachment in found.order_by("created_at", "id"):
        grouped.setdefault(attachment.reply_id, []).append(attachment)
    return grouped


def attachment_of(ticket: Ticket, pk, *, public_only: bool = False):
    from clientdesk.core.tenancy import get_or_404
    from clientdesk.tickets.models import TicketAttachment

    found = TicketAttachment.objects.for_client(ticket.client).filter(ticket=ticket)
    if public_only:
        found = found.filter(Q(reply=None) | Q(reply__public=True))
    return get_or_404(found, pk=pk)


def conversation_with_files(ticket: Ticket, *, public_only: bool = False) -> tuple[list, list]:
    """The conversation, each message with its files (`.files`), and the ticket's own files."""
    files = attachments_of(ticket, public_only=public_only)
    replies = list(conversation(ticket, public_only=public_only))
    for reply in replies:
        reply.files = files.get(reply.pk, [])  # type: ignore[attr-defined]
    return replies, files.get(None, [])


def mail_copies_to(ticket: Ticket) -> list[str]:
    """The addresses of the primary contacts of the ticket's client who asked for copies."""
    from clientdesk.tickets.models import MailCopy

    return [
        email
        for email in MailCopy.objects.for_account(ticket.account_id)
        .filter(
            client_id=ticket.client_id,
            contact__is_primary=True,
            contact__deleted_at=None,
        )
        .values_list("contact__email", flat=True)
        if email
    ]


def wants_mail_copies(contact) -> bool:
    from clientdesk.tickets.models import MailCopy

    return MailCopy.objects.for_client(contact.client).filter(contact=contact).exists()
