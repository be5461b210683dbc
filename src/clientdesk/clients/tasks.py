from django_tasks import task

from clientdesk.clients.derived import rebuild
from clientdesk.core.models import Account
from clientdesk.core.tenancy import unscoped


@task()
def derived_rebuild(account_id: int) -> dict[str, int]:
    """Rebuild an account's derived status tables (its days moved with its time zone)."""
    with unscoped():  # a task: the rebuild reads and writes one account's tables
        return rebuild(Account.objects.get(pk=account_id))
