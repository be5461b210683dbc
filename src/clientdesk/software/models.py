"""The application catalog, each client's app stack and the opportunities they open (DESIGN §4).

An account keeps a catalog of `Application`s: what one costs as a project (one-off) and per
user and month, and whether it belongs to the **baseline stack** — for every industry when it
names none (`baseline_industries` empty), else for the clients of those industries. A client's
stack is its `ClientApp` rows, each maybe flagged problematic with a note.

`ClientOpportunity` is kept, one row per client, by `software.opportunity`: the client's own
figures (what it misses, what is problematic, project and revenue opportunity) and the sums
over its sub-clients at any depth (`sub_project`, `sub_revenue`). It is maintained when the
stack, the catalog, the client's industry, its contacts or the tree change, never computed per
list row; the Clients list sorts and filters on it. Money is Decimal in the account's currency.
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.tenancy import ClientOwnedModel, TenantModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class Category(models.TextChoices):
    EMAIL = "email", _("Email")
    BACKUP = "backup", _("Backup")
    SECURITY = "security", _("Security")
    PRODUCTIVITY = "productivity", _("Productivity")
    COMMUNICATION = "communication", _("Communication")
    LINE_OF_BUSINESS = "line_of_business", _("Line of business")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    OTHER = "other", _("Other")


class Application(TenantModel):
    """One application of the account's catalog."""

    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    vendor = models.CharField(_("vendor"), max_length=120, blank=True)
    project_value = models.DecimalField(_("project value"), default=0, **MONEY)
    monthly_price_per_user = models.DecimalField(_("monthly price per user"), default=0, **MONEY)
    baseline = models.BooleanField(_("baseline stack"), default=False)
    # Empty: the baseline of every industry.
    baseline_industries = models.ManyToManyField(
        "clients.Industry", blank=True, related_name="+", verbose_name=_("baseline industries")
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint("account", Lower("name"), name="application_name_ci_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ClientApp(ClientOwnedModel):
    """An application in a client's stack."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    problematic = models.BooleanField(_("problematic"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "client", "application"], name="client_app_unique"
            )
        ]
        indexes = [
            # The problematic-apps filter: has this client this app flagged (a seek per client
            # of the page's walk) …
            models.Index(
                fields=["account", "application", "client"],
                name="client_app_problem_idx",
                condition=models.Q(problematic=True),
            ),
            # … or any app flagged.
            models.Index(
                fields=["account", "client"],
                name="client_app_any_problem_idx",
                condition=models.Q(problematic=True),
            ),
        ]


class ClientOpportunity(ClientOwnedModel):
    """What a client's stack leaves open, kept by software.opportunity (one row per client)."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, primary_key=True, related_name="opportunity"
    )
    # What the figures were computed from, kept beside them so that one statement can
    # recompute every client of the account (a catalog change).
    industry_id = models.BigIntegerField(null=True)
    contacts = models.PositiveIntegerField(default=0)
    stack_count = models.PositiveIntegerField(default=0)
    missing_count = models.PositiveIntegerField(default=0)
    problematic_count = models.PositiveIntegerField(default=0)
    project = models.DecimalField(default=0, **MONEY)  # one-off
    revenue = models.DecimalField(default=0, **MONEY)  # a year
    sub_project = models.DecimalField(default=0, **MONEY)  # the sub-clients', any depth
    sub_revenue = models.DecimalField(default=0, **MONEY)

    class Meta:
        indexes = [
            # The Clients list sorted by either opportunity: a keyset walk of this index.
            models.Index(fields=["account", "project", "client"], name="opportunity_project_idx"),
            models.Index(fields=["account", "revenue", "client"], name="opportunity_revenue_idx"),
        ]

    @property
    def project_total(self):
        return self.project + self.sub_project

    @property
    def revenue_total(self):
        return self.revenue + self.sub_revenue
