"""Signals that connect independent parts (never business rules: those live in services)."""

from django.dispatch import Signal

# Sent inside account_create's transaction with `account`: apps add their per-account defaults.
account_created = Signal()

# Sent inside account_update's transaction with `account` and `changes` ({field: [old, new]}).
account_updated = Signal()
