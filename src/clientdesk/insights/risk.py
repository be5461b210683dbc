"""The risk rules (issue 16, item 4): reads shared by Settings › Risk rules, the evaluation,
the client page, the at-risk table and the home page.

Each domain contributes its rules to `core.registry.risk_rules` (tickets/risk.py,
agreements/risk.py); insights knows none of them. An account turns rules on and sets their
thresholds (`RiskRuleSetting`; a rule without a row is off). Evaluating asks each rule that is
on for the clients it meets and why, in a fixed number of queries per rule, then keeps the
clients that are `active` today, not archived or deleted, and not dismissed
(`services.risk_evaluate` moves them to `at_risk`).

A manager's note is the status change itself: staff who move a client to *At risk* by hand
give the reason, and that reason is shown wherever the rules' reasons are.
"""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone

from clientdesk.clients.models import Client, Status, StatusChange
from clientdesk.core import registry
from clientdesk.insights.models import RiskDismissal, RiskRuleSetting, RiskRun

REASONS_JOIN = "; "


def today_of(account) -> date:
    """Today in the account's time zone."""
    return timezone.localdate(timezone=ZoneInfo(account.time_zone or "UTC"))


@dataclass(frozen=True)
class RuleState:
    rule: registry.RiskRule
    enabled: bool
    threshold: int

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def description(self) -> str:
        return str(self.rule.description) % {"n": self.threshold}


def rule_states(account) -> list[RuleState]:
    """Every registered rule as this account set it (off at its default when never set)."""
    saved = {s.key: s for s in RiskRuleSetting.objects.for_account(account).order_by("key")}
    states = []
    for rule in registry.risk_rules.all():
        found = saved.get(rule.key)
        states.append(
            RuleState(
                rule,
                enabled=bool(found and found.enabled),
                threshold=found.threshold if found else rule.default_threshold,
            )
        )
    return states


def dismissed_ids(account, today: date) -> set[int]:
    """Clients dismissed until today or later (the rules leave them alone)."""
    return set(
        RiskDismissal.objects.for_account(account)
        .filter(until__gte=today)
        .values_list("client_id", flat=True)
    )


def findings(account, today: date) -> dict[int, list[str]]:
    """{client id: the reasons} of every rule that is on, whatever the clients' status."""
    found: dict[int, list[str]] = {}
    for state in rule_states(account):
        if not state.enabled:
            continue
        for client_id, reason in state.rule.evaluate(account, state.threshold, today).items():
            found.setdefault(client_id, []).append(str(reason))
    return found


CHUNK = 2000  # ids per query: SQLite takes at most 32,766 parameters in one


def candidates(account, client_ids) -> list[Client]:
    """Of these clients, those the rules may move: active, not archived, not deleted."""
    ids = sorted(client_ids)
    found: list[Client] = []
    for start in range(0, len(ids), CHUNK):
        found += (
            Client.objects.for_account(account)
            .filter(
                pk__in=ids[start : start + CHUNK],
                status=Status.ACTIVE,
                archived=False,
                deleted_at=None,
            )
            .select_related("account")
            .order_by("pk")
        )
    return found


def at_risk_reasons(account, clients) -> dict[int, str]:
    """Why each of these at-risk clients is at risk: the reason of the change that put it
    there (the rules' reasons, or the manager's note of a change by hand). One query."""
    ids = [c.pk for c in clients if c.status == Status.AT_RISK]
    if not ids:
        return {}
    reasons: dict[int, str] = {}
    rows = (
        StatusChange.objects.for_account(account)
        .filter(client_id__in=ids, to_status=Status.AT_RISK)
        .order_by("client_id", "at", "id")
        .values_list("client_id", "reason")
    )
    for client_id, reason in rows:
        reasons[client_id] = reason  # the latest wins
    return reasons


def reasons_split(reason: str) -> list[str]:
    return [r.strip() for r in reason.split(REASONS_JOIN) if r.strip()]


def dismissal_of(client) -> RiskDismissal | None:
    """The client's latest dismissal still running (until today or later), if any."""
    return (
        RiskDismissal.objects.for_client(client)
        .filter(until__gte=today_of(client.account))
        .select_related("by")
        .order_by("-until", "-id")
        .first()
    )


def last_run(account) -> RiskRun | None:
    return RiskRun.objects.for_account(account).select_related("by").order_by("-at").first()
