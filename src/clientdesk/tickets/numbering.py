"""Ticket numbers (DESIGN §4): seq per client from 1, never reused, never duplicated.

The client's counter row is bumped with one UPDATE inside the creating transaction: on
PostgreSQL the row stays locked until the commit, so concurrent creators queue on it; on SQLite
every write transaction begins IMMEDIATE (settings.py), so they queue on the database's write
lock. A transaction that fails rolls its bump back, so a number is only ever lost with the
ticket that failed; `ticket_seq_unique` is the last guard.
"""

from django.db.models import F

from clientdesk.tickets.models import TicketCounter


def seq_next(client) -> int:
    """The next seq of `client`'s tickets; call inside the transaction that saves the ticket."""
    counters = TicketCounter.objects.for_account(client.account_id).filter(client_id=client.pk)
    if not counters.update(last_seq=F("last_seq") + 1):
        # The client's first ticket: make its counter, without failing the transaction when a
        # concurrent creator made it first, then bump it like everyone else.
        TicketCounter.objects.bulk_create(
            [TicketCounter(account_id=client.account_id, client_id=client.pk)],
            ignore_conflicts=True,
        )
        counters.update(last_seq=F("last_seq") + 1)
    return counters.values_list("last_seq", flat=True).get()


def number_format(*, fmt: str, account_code: str, prefix: str, seq: int) -> str:
    return (
        (fmt or "{client}-{seq}")
        .replace("{account}", account_code)
        .replace("{client}", prefix)
        .replace("{seq}", f"{seq:03d}")
    )
