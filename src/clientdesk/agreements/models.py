"""Agreements: the contracts a client has with the account (DESIGN §4).

An agreement runs from `starts_on` to `ends_on`, both days included, in the account's time
zone: before its first day it is upcoming, after its last day expired, current in between
(`state_on`, and `queries.state_q` for the same rule in SQL). Money is a Decimal in the
account's currency. Under an all-you-can-eat-per-user agreement the contacts it covers are
`AgreementContact` rows; under all-you-can-eat-per-client every contact of the client is in.
"""

from datetime import date
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.tenancy import ClientOwnedModel


class Kind(models.TextChoices):
    AYCE_CLIENT = "ayce_client", _("All-you-can-eat per client")
    AYCE_USER = "ayce_user", _("All-you-can-eat per user")
    HOURS_BLOCK = "hours_block", _("Block of hours")
    FIXED_FEE = "fixed_fee", _("Fixed fee")


class State(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    CURRENT = "current", _("Current")
    EXPIRED = "expired", _("Expired")


def today_for(account) -> date:
    """Today in the account's time zone: the day an agreement's dates are read against."""
    return timezone.localdate(timezone=ZoneInfo(account.time_zone or "UTC"))


def state_on(starts_on: date, ends_on: date, today: date) -> str:
    if today < starts_on:
        return State.UPCOMING
    if today > ends_on:
        return State.EXPIRED
    return State.CURRENT


class Agreement(ClientOwnedModel):
    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="agreements"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    monthly_price = models.DecimalField(
        _("price per month"), max_digits=12, decimal_places=2, default=0
    )
    hours = models.DecimalField(
        _("hours"), max_digits=8, decimal_places=2, null=True, blank=True
    )  # blocks of hours only
    notes = models.TextField(_("notes"), blank=True)
    # The end date the 30-day warning went out for (a renewed or moved end warns again).
    warned_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            # The client's agreements (its tab, the API's filter).
            models.Index(fields=["account", "client", "ends_on"], name="agreement_client_idx"),
            # Settings › Agreements and the daily warning: by end date across the account.
            models.Index(fields=["account", "ends_on", "id"], name="agreement_ends_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def state(self) -> str:
        return state_on(self.starts_on, self.ends_on, today_for(self.account))

    @property
    def is_expired(self) -> bool:
        return self.state == State.EXPIRED

    @property
    def is_current(self) -> bool:
        return self.state == State.CURRENT


class AgreementContact(ClientOwnedModel):
    """A contact covered by an all-you-can-eat-per-user agreement (of the contact's client)."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="covered")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "agreement", "contact"], name="agreement_contact_unique"
            )
        ]
        indexes = [
            models.Index(fields=["account", "client"], name="agreement_contact_client_idx"),
        ]
