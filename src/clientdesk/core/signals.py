"""Signals that connect independent parts (never business rules: those live in services)."""

from django.dispatch import Signal

# Sent inside account_create's transaction with `account`: apps add their per-account defaults.
account_created = Signal()

# Sent inside account_update's transaction with `account` and `changes` ({field: [old, new]}).
account_updated = Signal()

# Sent in the email worker, in the transaction that marks `message` failed (given up after its
# last attempt): the part that queued it records the failure where people will look.
message_failed = Signal()
