"""The daily evaluation of the risk rules (services.risk_evaluate), for every account.

A daily job (core.registry.daily_jobs): cron's `clientdesk daily` queues it with the others,
`clientdesk risk_evaluate` alone. Running it more often is harmless: only active clients move,
once.
"""

from django_tasks import task

from clientdesk.core.models import Account
from clientdesk.core.tenancy import unscoped
from clientdesk.insights.services import risk_evaluate


@task()
def risk_evaluate_all() -> int:
    """Evaluate every account's rules, each on its own today; answers how many clients moved."""
    flagged = 0
    with unscoped():  # a task across accounts: each account's rules, one at a time
        for account in Account.objects.order_by("pk"):
            flagged += risk_evaluate(account=account).flagged
    return flagged
