"""Clients, their status history, and the derived tables the metrics read (DESIGN §2–3).

Indexes start with `account_id` (DESIGN §6), so the single-column index Django gives every
foreign key is turned off (`db_index=False`) where a composite index already leads with the
same columns or where the referenced rows are hardly ever deleted (users, industries, tags: one
scan per deletion). The single-column `client_id` and `parent_id` indexes stay: PostgreSQL's
foreign-key check looks up `client_id = $1` for every client row deleted, and without them
deleting an account (or purging its deleted clients) would scan each table once per client.
tests/core/test_indexes.py holds the rule and its exceptions.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.fields import person_who_did_it
from clientdesk.core.tenancy import ClientOwnedModel, TenantModel, client_rule


class Status(models.TextChoices):
    LEAD = "lead", _("Lead")
    PROSPECT = "prospect", _("Prospect")
    INVITED = "invited", _("Invited")
    WAITING = "waiting", _("Waiting")
    ACTIVE = "active", _("Active")
    AT_RISK = "at_risk", _("At risk")
    OFFBOARDING = "offboarding", _("Off-boarding")
    INACTIVE = "inactive", _("Inactive")


class Engagement(models.TextChoices):
    SILENT = "silent", _("Silent")
    ACCESS_SENT = "access_sent", _("Access sent")
    ENGAGED = "engaged", _("Engaged")


IN_SERVICE = frozenset({Status.ACTIVE, Status.AT_RISK, Status.OFFBOARDING})

PREFIX_VALIDATOR = RegexValidator(
    r"^[A-Z0-9]{2,10}$", _("Use 2–10 characters, letters A–Z and digits 0–9 only.")
)


class Industry(TenantModel):
    """An account-editable list of sectors, seeded with common ones."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("account", Lower("name"), name="industry_name_ci_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Tag(TenantModel):
    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("account", Lower("name"), name="tag_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Client(TenantModel):
    # Its own index stays, though others start with account_id too: on SQLite it is
    # (account_id, rowid), the index a page of ids of one account (`id IN (…)`: contact counts,
    # search matches) is read through; without it SQLite reads every client of the account.
    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="clients")
    prefix = models.CharField(_("prefix"), max_length=10, validators=[PREFIX_VALIDATOR])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    status_changed_at = models.DateTimeField(_("status since"))
    engagement = models.CharField(
        _("engagement"), max_length=12, choices=Engagement.choices, default=Engagement.SILENT
    )
    industry = models.ForeignKey(
        Industry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("industry"),
        db_index=False,
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,  # only hard deletes: the account going, or a purge
        related_name="children",
        verbose_name=_("parent client"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("manager"),
        db_index=False,
    )
    license = models.CharField(_("license"), max_length=100, blank=True)
    # Lower-case domains whose senders' mail opens requests for this client (inbound email);
    # a domain belongs to one client of the account at most (clients.services).
    email_domains = models.JSONField(_("email domains"), default=list, blank=True)
    billing_email = models.EmailField(_("billing email"), blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    tax_id = models.CharField(_("tax id"), max_length=40, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=40, blank=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code."))],
    )
    tags = models.ManyToManyField(Tag, through="ClientTag", related_name="clients", blank=True)
    archived = models.BooleanField(_("archived"), default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = person_who_did_it()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(_("first activated"), null=True, blank=True)
    # The import job that created it (a transfer.ImportJob id): its timeline shows that job's
    # one activity entry, who imported it from which file and when (audit.queries). A plain
    # number, no foreign key: nothing to check per imported row, and the entry outlives the job.
    imported_by_job = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            # A prefix is stored upper-case (PREFIX_VALIDATOR admits A–Z and 0–9, and every way
            # in normalizes it), and the database holds it to that: so the unique (account,
            # prefix) is unique ignoring case as well, and its B-tree serves every read by
            # prefix (`prefix__in`: an import's batch looks up its thousands at once) and the
            # prefix sort (SQLite's index ends with the rowid; PostgreSQL adds an incremental
            # sort of one row per prefix). One index where there were two, the unique one on
            # UPPER(prefix) and (account, prefix, id): one less for every new client to land in
            # (docs/import-speed.md). Reads compare the plain prefix, never UPPER(prefix): on
            # PostgreSQL the search's trigram index holds that expression and took 10 s for a
            # batch's `= ANY(…)` (tests/clients/test_prefix_reads.py).
            models.UniqueConstraint(
                fields=["account", "prefix"], name="client_prefix_unique_per_account"
            ),
            models.CheckConstraint(
                condition=Q(prefix=Upper("prefix")), name="client_prefix_upper_case"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="client_not_own_parent"
            ),
        ]
        indexes = [
            # The list sorts by Lower(name) (queries.SORTS): the index must hold that expression.
            models.Index(F("account"), Lower("name"), F("id"), name="client_account_lname_idx"),
            # A tab's clients (few, in Onboarding) by status; no name, as below.
            models.Index(fields=["account", "status"], name="client_status_idx"),
            # The few clients set aside (archived or deleted), for the fast tab counts.
            models.Index(
                fields=["account", "status"],
                condition=Q(archived=True) | Q(deleted_at__isnull=False),
                name="client_set_aside_idx",
            ),
            # The Deleted view (the latest deletion first) and its count: only deleted rows.
            models.Index(
                F("account"),
                F("deleted_at").desc(),
                F("id").desc(),
                condition=Q(deleted_at__isnull=False),
                name="client_deleted_idx",
            ),
            models.Index(fields=["account", "created_at", "id"], name="client_created_idx"),
            # SQLite without statistics reads the next level of a page of clients (contact
            # counts with sub-clients) through this one, and through no expression index. No
            # name and only sub-clients: a lookup by parent, in the order clients arrive (below).
            models.Index(
                fields=["account", "parent"],
                condition=Q(parent__isnull=False),
                name="client_parent_idx",
            ),
            # A level of the tree in name order, a page at a time (the navigator, whose top
            # level is `parent IS NULL`): without Lower(name) and id here, SQLite walks the
            # whole account in name order instead (283 ms at 100,000 clients, docs/speed.md).
            # Over every client, not only sub-clients: the top level read through the
            # account's name index instead walks past sub-clients, 72 ms where 1 client in
            # 1,000 is at the top (docs/import-speed.md, "Fewer indexes in random order").
            models.Index(
                F("account"), F("parent"), Lower("name"), F("id"), name="client_parent_lname_idx"
            ),
            # The industry and manager filters. No name after them: the list sorts by
            # Lower(name), which these could not serve, and without it a new client's entry
            # goes at the end of its industry's (its manager's) entries instead of at a random
            # place by name: an import's batch dirties a few pages, not one per client
            # (docs/import-speed.md, "Indexes in the order clients arrive"). Only clients that
            # have one: SQLite, without statistics, would otherwise count a search's matches
            # through this narrower index rather than the account's, jumping about the table.
            models.Index(
                fields=["account", "industry"],
                condition=Q(industry__isnull=False),
                name="client_industry_idx",
            ),
            models.Index(
                fields=["account", "manager"],
                condition=Q(manager__isnull=False),
                name="client_manager_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @classmethod
    def member_filter(cls, qs, membership):
        return super().member_filter(qs, membership).filter(client_rule(membership, ""))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ClientTag(ClientOwnedModel):
    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "client", "tag"], name="client_tag_unique")
        ]
        indexes = [models.Index(fields=["account", "tag", "client"], name="client_tag_tag_idx")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.tag_id}"


class StatusChange(ClientOwnedModel):
    """One row per status change: the truth every status and metric is derived from."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=Status.choices, null=True, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    at = models.DateTimeField()
    by = person_who_did_it()
    reason = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["account", "client", "at", "id"], name="status_change_idx")]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.from_status} → {self.to_status} at {self.at}"


class StatusDayDelta(TenantModel):
    """Per account, day and status: how the count of clients with that status moved that day."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices)
    delta = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "day", "status"], name="status_day_delta_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.status} {self.delta:+d}"


class ServicePeriod(ClientOwnedModel):
    """A spell in service (active, at risk or off-boarding at the end of each of its days)."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    start_day = models.DateField()
    end_day = models.DateField(null=True, blank=True)  # last day in service; null: ongoing
    first_day = models.DateField()  # the client's first day in service ever
    next_start_day = models.DateField(null=True, blank=True)  # the next spell's start, if any
    # the next spell's last day, if it has one: the last spell ending in a range is the one
    # whose next spell does not end there too (insights counts churned clients so)
    next_end_day = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "start_day", "end_day"], name="service_period_idx"),
            models.Index(fields=["account", "client"], name="service_period_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.start_day}–{self.end_day or '…'}"


class StatusInterval(ClientOwnedModel):
    """The days a client held a status: valid_from ≤ day < valid_to (valid_to null: still)."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["account", "status", "valid_to", "valid_from", "client"],
                name="status_interval_cover_idx",
            ),
            models.Index(fields=["account", "client"], name="status_interval_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.status} {self.valid_from}–{self.valid_to or '…'}"


class NavigatorPreference(TenantModel):
    """How a person left the client navigator of the client pages: open or closed, and which
    clients they had expanded (at most `navigator.EXPANDED_KEPT` ids, read back through their
    client limits, so an id here reveals nothing they cannot see)."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    open = models.BooleanField(default=False)
    expanded = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="navigator_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:navigator"
