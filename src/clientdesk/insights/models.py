"""Insights' own rows. The risk rules (insights/risk.py): which rules an account turned on and
their thresholds, the clients staff dismissed for a while, and the runs of the evaluation."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.fields import person_who_did_it
from clientdesk.core.tenancy import ClientOwnedModel, TenantModel


class RiskRuleSetting(TenantModel):
    """One rule of core.registry.risk_rules as an account set it: on or off, its threshold.
    A rule without a row is off, at its default threshold."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=40)
    enabled = models.BooleanField(_("on"), default=False)
    threshold = models.PositiveIntegerField(_("threshold"))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="risk_rule_setting_unique")
        ]


class RiskDismissal(ClientOwnedModel):
    """Staff said a client is not at risk until `until` (that day included): the rules leave
    it alone until then. The latest row of a client is the one that counts."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # deletes are rare and the rows few: (account, client, until) serves the page
    until = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = person_who_did_it()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The evaluation's "dismissed until at least today" and the client page's panel.
            models.Index(fields=["account", "until", "client"], name="risk_dismissal_until_idx"),
            models.Index(fields=["account", "client", "until"], name="risk_dismissal_client_idx"),
        ]


class RiskRun(TenantModel):
    """One evaluation of an account's risk rules (the daily task or *Run now*)."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    by = person_who_did_it()
    matched = models.PositiveIntegerField(default=0)  # clients meeting a rule
    flagged = models.PositiveIntegerField(default=0)  # of those, moved from active to at risk

    class Meta:
        indexes = [models.Index(fields=["account", "at"], name="risk_run_at_idx")]
