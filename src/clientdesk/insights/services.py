"""Every write of the risk rules (issue 16, item 4): an account's settings, the evaluation
that moves active clients to at risk, and a dismissal. Each is one transaction (the
evaluation: one per client it moves) and records its activity entry; the moves go through
the clients' status service (history, derived tables and `client.status_changed` with the
rules' reasons as the reason)."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import event_record
from clientdesk.clients.models import Client, Status
from clientdesk.clients.services import client_change_status
from clientdesk.core.actors import actor_user
from clientdesk.core.models import Account
from clientdesk.insights import risk
from clientdesk.insights.models import RiskDismissal, RiskRuleSetting, RiskRun
from clientdesk.insights.risk_events import CLIENT_RISK_DISMISSED, RISK_RULES_UPDATED

THRESHOLD_MAX = 10_000
DISMISS_DAYS_MAX = 366


@transaction.atomic
def risk_rules_save(*, account: Account, actor, rules: dict[str, tuple[bool, int]]) -> None:
    """Turn rules on or off and set their thresholds: {rule key: (on, threshold)}. A key no
    domain registered or a threshold outside 1–10,000 is refused."""
    known = {s.key: s for s in risk.rule_states(account)}
    errors = {}
    for key, (_on, threshold) in rules.items():
        if key not in known:
            errors[key] = _("There is no such rule.")
        elif not 1 <= threshold <= THRESHOLD_MAX:
            errors[key] = _("Give a number from 1 to %(max)s.") % {"max": f"{THRESHOLD_MAX:,}"}
    if errors:
        raise ValidationError(errors)
    said = []
    for key, (on, threshold) in rules.items():
        RiskRuleSetting.objects.for_account(account).update_or_create(
            account=account,
            key=key,
            defaults={"enabled": on, "threshold": threshold, "updated_at": timezone.now()},
        )
    for state in risk.rule_states(account):
        if state.enabled:
            said.append(f"{state.rule.label} ({state.threshold} {state.rule.unit})".strip())
    event_record(
        account=account,
        actor=actor,
        verb=RISK_RULES_UPDATED,
        target=account,
        changes={"rules": [None, said or [str(_("none on"))]]},
    )


def risk_evaluate(*, account: Account, actor=None, today: date | None = None) -> RiskRun:
    """Run the account's rules that are on: every active client (not archived, deleted or
    dismissed) that meets one moves to at risk, with the rules' reasons as the change's
    reason. Clients in any other status are left as they are.

    Each move is its own transaction (the status service's), not one for the whole run: a
    first run may move thousands of clients (about 10 ms each on SQLite), and one transaction
    would hold the write lock from everyone else for that long. A run cut short leaves whole
    moves, and running again moves the rest (an at-risk client is not moved twice)."""
    today = today or risk.today_of(account)
    found = risk.findings(account, today)
    dismissed = risk.dismissed_ids(account, today)
    moving = risk.candidates(account, set(found) - dismissed)
    flagged = 0
    for client in moving:
        reason = risk.REASONS_JOIN.join(found[client.pk])
        try:
            client_change_status(
                client=client, actor=actor, to_status=Status.AT_RISK, reason=reason
            )
        except ValidationError:
            continue  # its status changed since it was read: no longer active
        flagged += 1
    return RiskRun.objects.create(
        account=account,
        day=today,
        by=actor_user(actor),
        matched=len(found),
        flagged=flagged,
    )


@transaction.atomic
def risk_dismiss(*, client: Client, actor, days: int, note: str = "") -> RiskDismissal:
    """Staff say the client is not at risk for `days` days: the rules leave it alone until
    then, and an at-risk client goes back to active (with the note as the reason)."""
    if not 1 <= days <= DISMISS_DAYS_MAX:
        raise ValidationError(
            {"days": _("Give a number of days from 1 to %(max)s.") % {"max": DISMISS_DAYS_MAX}}
        )
    note = note.strip()[:500]
    until = risk.today_of(client.account) + timedelta(days=days)
    dismissal = RiskDismissal.objects.create(
        account_id=client.account_id,
        client=client,
        until=until,
        note=note,
        by=actor_user(actor),
    )
    if client.status == Status.AT_RISK:
        client_change_status(
            client=client,
            actor=actor,
            to_status=Status.ACTIVE,
            reason=note or _("Risk dismissed until %(day)s") % {"day": until.isoformat()},
        )
    event_record(
        account=client.account,
        actor=actor,
        verb=CLIENT_RISK_DISMISSED,
        target=client,
        changes={"until": [None, until.isoformat()]} | ({"note": [None, note]} if note else {}),
    )
    return dismissal
