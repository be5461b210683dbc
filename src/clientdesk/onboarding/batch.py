"""The clients import as onboarding: each row's client (clients.batch), its primary contact
(contacts.primary_batch) and, for an engaged row, its portal invitation — the batch form of
client_onboard, in the same transaction as the batch."""

from django.db import transaction

from clientdesk.clients.batch import Context, Outcome, Row, clients_import_batch
from clientdesk.clients.batch.check import Checked, clients_check_batch, clients_write_checked
from clientdesk.clients.batch.rows import Plan, Steps
from clientdesk.clients.models import Client
from clientdesk.contacts.primary_batch import primary_contacts_check, primary_contacts_write
from clientdesk.portal.services import portal_invite


def invitations_send(ctx: Context, plans: list[Plan]) -> None:
    for plan in plans:
        # Its own savepoint, as one hand-made invitation is its own transaction.
        with transaction.atomic():
            client = Client(pk=plan.client_id, account_id=ctx.account.pk)
            portal_invite(client=client, actor=ctx.actor)


STEPS = Steps(check=primary_contacts_check, write=primary_contacts_write, after=invitations_send)


def clients_onboard_batch(*, ctx: Context, rows: list[Row]) -> list[Outcome]:
    """The import's entry point for client rows (transfer.kinds.CLIENTS)."""
    return clients_import_batch(ctx=ctx, rows=rows, steps=STEPS)


def clients_onboard_check(*, ctx: Context, rows: list[Row]) -> Checked:
    """Its check half, which reads only (transfer.engine checks the next batch with it while
    the previous one is written)."""
    return clients_check_batch(ctx=ctx, rows=rows, steps=STEPS)


def clients_onboard_write(*, ctx: Context, checked: Checked) -> list[Outcome]:
    """Its write half, for a batch `clients_onboard_check` checked."""
    return clients_write_checked(ctx=ctx, checked=checked, steps=STEPS)
