"""The daily warning of agreements that end within 30 days (services.agreements_warn).

The project has no scheduler of its own: `clientdesk agreements_warn` (a management command)
enqueues this task, and cron runs it once a day (README, "Running"). Running it more often
is harmless: each agreement is warned of once per end date.
"""

from django_tasks import task

from clientdesk.agreements.services import agreements_warn
from clientdesk.core.models import Account
from clientdesk.core.tenancy import unscoped


@task()
def agreements_warn_all() -> int:
    """Warn for every account, each on its own today (its time zone)."""
    warned = 0
    with unscoped():  # a task across accounts: each account's agreements, one at a time
        for account in Account.objects.order_by("pk"):
            warned += agreements_warn(account=account)
    return warned
