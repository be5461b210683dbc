"""The batch entry point of the client services: many rows checked and written at once.

Imports (and later directory syncs) call `clients_import_batch` with a few thousand parsed rows.
Each row is checked by the rules a hand-made change meets — the model fields' own validation
(`fields_check`, what `full_clean` runs), the prefix, status, date, manager and parent rules
of `clients.services` and `clients.status` — and what it writes is what `client_create`,
`client_update` and `client_change_status` write: the client, its status history, the derived
tables of DESIGN §3, its tags, its primary contact and the activity entries. The writes go
out as a few set-based statements per batch instead of one ORM save per row.
"""

from clientdesk.clients.batch.check import clients_import_batch
from clientdesk.clients.batch.rows import (
    CREATE,
    REJECTED,
    UNCHANGED,
    UPDATE,
    Context,
    Outcome,
    Row,
)

__all__ = [
    "CREATE",
    "REJECTED",
    "UNCHANGED",
    "UPDATE",
    "Context",
    "Outcome",
    "Row",
    "clients_import_batch",
]
