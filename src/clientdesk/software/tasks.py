"""Every opportunity of an account recomputed in the background: a catalog change of an
account with many clients (software.opportunity.catalog_changed)."""

from django_tasks import task

from clientdesk.core.tenancy import unscoped
from clientdesk.software.opportunity import opportunities_recompute


@task()
def opportunities_rebuild(account_id: int) -> int:
    with unscoped():  # a task: one account's clients, stacks and kept rows
        return opportunities_recompute(account_id, None)
