"""Insights' panel of the client page (core.registry.client_panels): why the client is at
risk (the reasons of the change that put it there), or that its risk is dismissed until a
day, and the Dismiss form."""

from clientdesk.clients.models import Status
from clientdesk.insights import risk
from clientdesk.insights.risk_views import DismissForm


def client_risk(request, client) -> dict:
    reasons = (
        risk.at_risk_reasons(client.account_id, [client]) if client.status == Status.AT_RISK else {}
    )
    return {
        "risk_reasons": risk.reasons_split(reasons.get(client.pk, "")),
        "risk_dismissal": risk.dismissal_of(client),
        "risk_dismiss_form": DismissForm(),
    }
