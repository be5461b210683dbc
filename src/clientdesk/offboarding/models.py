"""Off-boarding (DESIGN §2, §4): a client leaving, as a run with a date, a reason, a note and a
checklist copied from the account's template when the run starts.

A client has at most one open run (`offboarding_open_unique`); completed and cancelled runs are
kept, with their ticked items, as the client's history. Progress is done / total of the run's
items. A run is overdue when its date has passed (in the account's time zone) with items open.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.fields import person_who_did_it
from clientdesk.core.tenancy import ClientOwnedModel, TenantModel


class Reason(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed any more")
    PRICE = "price", _("Price")
    SERVICE_QUALITY = "service_quality", _("Service quality")
    MOVED_PROVIDER = "moved_provider", _("Moved to another provider")
    BUSINESS_CLOSED = "business_closed", _("Business closed")
    OTHER = "other", _("Other")


class State(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The checklist an account starts with (issue 15): Settings › Off-boarding edits its own copy.
DEFAULT_ITEMS = (
    _("Revoke portal access"),
    _("Export and hand over documents"),
    _("Remove monitoring agents"),
    _("Transfer credentials and licences"),
    _("Close open tickets"),
    _("Final invoice"),
)


class Offboarding(ClientOwnedModel):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="offboardings"
    )
    on = models.DateField(_("off-boarding date"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    started_by = person_who_did_it()
    started_at = models.DateTimeField(default=timezone.now)
    ended_by = person_who_did_it()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Kept in step with the items, so that a page of the Clients list reads progress from one
    # row per client instead of counting items.
    done_count = models.PositiveIntegerField(default=0)
    total_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "client"],
                condition=Q(state="open"),
                name="offboarding_open_unique",
            )
        ]
        indexes = [
            # A client's runs, newest first (its page, the columns of a page of clients).
            models.Index(fields=["account", "client", "started_at"], name="offboarding_client_idx"),
            # Open runs by date: overdue and due soon (the home page).
            models.Index(fields=["account", "state", "on"], name="offboarding_state_on_idx"),
        ]

    def __str__(self) -> str:
        return str(_("Off-boarding of %(client)s")) % {"client": self.client}

    @property
    def is_open(self) -> bool:
        return self.state == State.OPEN

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total_count) if self.total_count else 100


class OffboardingItem(ClientOwnedModel):
    """One line of a run's checklist; ticking it records who and when."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    offboarding = models.ForeignKey(
        Offboarding, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(default=0)
    done = models.BooleanField(_("done"), default=False)
    done_by = person_who_did_it()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "offboarding", "order"], name="offboarding_item_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(TenantModel):
    """A line of the account's off-boarding checklist template (Settings › Off-boarding)."""

    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["account", "order"], name="offboarding_template_idx")]

    def __str__(self) -> str:
        return self.title
