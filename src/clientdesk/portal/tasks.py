"""The portal's daily work: lapsed invitations stop counting as *access sent*
(services.engagements_settle). `clientdesk daily` queues it (core.registry.daily_jobs)."""

from django_tasks import task

from clientdesk.core.models import Account
from clientdesk.core.tenancy import unscoped
from clientdesk.portal.services import engagements_settle


@task()
def engagements_settle_all() -> int:
    settled = 0
    with unscoped():  # a task across accounts: each account's clients, one at a time
        for account in Account.objects.order_by("pk"):
            settled += engagements_settle(account=account)
    return settled
