"""Insights' panels of the account's home page (core.registry.home_panels): today's count of
clients per status, and the at-risk clients with their reasons. Through the member's limits."""

from clientdesk.clients.models import Status
from clientdesk.insights import status_tables

AT_RISK_SHOWN = 6


def status_counts(request) -> dict:
    counts = status_tables.status_counts(request.membership)
    return {"home_status_rows": [(value, label, counts[value]) for value, label in Status.choices]}


def at_risk(request) -> dict:
    clients, total = status_tables.at_risk_preview(request.membership, AT_RISK_SHOWN)
    return {"home_at_risk": clients, "home_at_risk_total": total}
