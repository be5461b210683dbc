"""Tickets: requests, incidents and jobs of a client, numbered from its prefix (DESIGN §4).

A ticket's `seq` counts per client from 1 through its client's `TicketCounter` row, locked
for the length of the creating transaction; `(account, client, seq)` is unique, the last guard.
The `number` is written once, from the prefix and the account's format at creation, so a
prefix change leaves existing numbers as they were.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.fields import person_who_did_it
from clientdesk.core.tenancy import ClientOwnedModel, TenantModel


class Kind(models.TextChoices):
    REQUEST = "request", _("Request")
    INCIDENT = "incident", _("Incident")
    JOB = "job", _("Job")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Status(models.TextChoices):
    """The pipeline's fixed steps; an account renames them (`TicketSettings.status_labels`)."""

    NEW = "new", _("New")
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting on client")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class SlaKind(models.TextChoices):
    """Whose SLA a ticket follows: client requests (and incidents) or jobs."""

    REQUEST = "request", _("Requests")
    JOB = "job", _("Jobs")


DONE = frozenset({Status.RESOLVED, Status.CLOSED})


class Source(models.TextChoices):
    STAFF = "staff", _("Staff")
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    API = "api", _("API")


class TicketCounter(ClientOwnedModel):
    """The last number given to one client's tickets; locked while a ticket is numbered."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "client"], name="ticket_counter_unique")
        ]


class Ticket(ClientOwnedModel):
    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="tickets")
    seq = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REQUEST)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="new")
    requester = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requester"),
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
        db_index=False,
    )
    created_by = person_who_did_it()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.STAFF)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The SLA (tickets/sla.py): due times are set at creation and after a priority change;
    # while the ticket waits on the client they are cleared (the clock stops), and the working
    # minutes spent waiting are added to `paused_minutes`, pushing the due times on resuming.
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(default=0)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # A due time that passed first, kept once known (a pause clears the due times).
    response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    minutes_logged = models.PositiveIntegerField(_("time logged (minutes)"), default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "client", "seq"], name="ticket_seq_unique")
        ]
        indexes = [
            models.Index(fields=["account", "created_at", "id"], name="ticket_created_idx"),
            models.Index(fields=["account", "client", "created_at"], name="ticket_client_idx"),
            models.Index(fields=["account", "number"], name="ticket_number_idx"),
            models.Index(fields=["account", "status", "created_at"], name="ticket_status_idx"),
            models.Index(
                fields=["account", "assignee", "status", "created_at"], name="ticket_assignee_idx"
            ),
            # The open tickets' due times, for the breach filter and the client page's breaches.
            models.Index(
                fields=["account", "resolution_due_at"],
                condition=Q(resolved_at=None, closed_at=None),
                name="ticket_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_done(self) -> bool:
        return self.status in DONE


class Reply(ClientOwnedModel):
    """One message of a ticket's conversation: a public reply or an internal note."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    author = person_who_did_it()
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )  # fmt: skip
    body = models.TextField(_("message"))
    public = models.BooleanField(_("public"), default=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.STAFF)
    minutes = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["account", "ticket", "created_at"], name="reply_ticket_idx")
        ]

    @property
    def by_client(self) -> bool:
        return self.author_id is None and self.source != Source.STAFF


class ClientSla(ClientOwnedModel):
    """A client's own SLA times for one kind and priority; missing rows take the account's."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=SlaKind.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(_("first response (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "client", "kind", "priority"], name="client_sla_unique"
            )
        ]


class TicketSettings(TenantModel):
    """The account's ticket settings: the pipeline's names and the SLA clock's hours."""

    account = models.OneToOneField(
        "core.Account", on_delete=models.CASCADE, related_name="ticket_settings"
    )
    status_labels = models.JSONField(default=dict, blank=True)
    always_open = models.BooleanField(_("24×7"), default=False)
    # {"0": [["09:00", "17:00"]], …}: Monday = "0"; local times in the account's time zone.
    hours = models.JSONField(default=dict, blank=True)


class Holiday(TenantModel):
    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=80, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["account", "day"], name="holiday_unique")]


# Attachments ---------------------------------------------------------------------------
# (Added with email in, tickets/…inbound: a file that came with a client's message.)


def _attachment_path(attachment: "TicketAttachment", filename: str) -> str:
    # Per account, then per ticket; the stored name is the storage's (it avoids clashes).
    return f"accounts/{attachment.account_id}/tickets/{attachment.ticket_id}/{filename}"


class TicketAttachment(ClientOwnedModel):
    """A file that came with a message on a ticket (an email's attachment)."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    reply = models.ForeignKey(
        Reply,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        db_index=False,  # replies go with their ticket, whose index is below
    )
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["account", "ticket", "created_at"], name="attachment_ticket_idx")
        ]

    def __str__(self) -> str:
        return self.name


class MailCopy(ClientOwnedModel):
    """The client's primary contact asked for a copy of every ticket email of their client
    (replies and moves), not only of the requests they raised themselves."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "contact"], name="mail_copy_unique")
        ]
        indexes = [models.Index(fields=["account", "client"], name="mail_copy_client_idx")]
