"""The demo account's risk rules (`clientdesk demo`, after the tickets and agreements): the
SLA-breach and agreement-ending rules turned on and run once, so that the home page and the
at-risk table show clients flagged with their reasons."""

from django.utils import timezone

from clientdesk.audit.models import Activity
from clientdesk.clients.models import StatusChange
from clientdesk.core.models import Account
from clientdesk.insights import services
from clientdesk.insights.models import RiskRuleSetting

DEMO_RULES = {"sla_breaches": 2, "agreement_ending": 30}


def demo_risk_run(*, account: Account) -> int:
    """Turn the demo's rules on (unless the account set any) and run them; answers how many
    clients moved to at risk."""
    if RiskRuleSetting.objects.for_account(account).exists():
        return 0
    known = {r.key for r in services.risk.rule_states(account)}
    services.risk_rules_save(
        account=account,
        actor=None,
        rules={key: (True, n) for key, n in DEMO_RULES.items() if key in known},
    )
    before = timezone.now()
    flagged = services.risk_evaluate(account=account).flagged
    # The demo's timeline says a move happened when its history does, to the microsecond.
    moves = StatusChange.objects.for_account(account).filter(at__gte=before, to_status="at_risk")
    for client_id, at in moves.values_list("client_id", "at"):
        Activity.objects.for_account(account).filter(
            verb="client.status_changed", target_id=str(client_id), at__gte=before
        ).update(at=at)
    return flagged
