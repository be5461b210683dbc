"""What the software domain shows on a client's page (its opportunity, alone and with its
sub-clients) and in the API's client (`opportunity`, core.registry.client_fields)."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clientdesk.core.roles import can
from clientdesk.software import queries


def _money(value, currency: str) -> str:
    return f"{number_format(value, 2, force_grouping=True)} {currency}"


def opportunity_panel(request, client) -> dict:
    """Rows of (label, own, with sub-clients, is total) for the Opportunity table."""
    o = queries.opportunity_of(client=client)
    currency = request.account.currency
    return {
        "opportunity": o,
        "opportunity_rows": [
            (
                _("Project (one-off)"),
                _money(o["project"], currency),
                _money(o["project_total"], currency),
                False,
            ),
            (
                _("Revenue (a year)"),
                _money(o["revenue"], currency),
                _money(o["revenue_total"], currency),
                False,
            ),
        ],
    }


def api_opportunity(membership, clients) -> dict[int, dict]:
    """The API's `opportunity` of a page of clients (DESIGN §7): the names of the missing and
    problematic apps, and the two figures as decimal strings; without `money.read` the
    figures are null."""
    money = can(membership, "money.read")
    found = queries.stack_names(membership.account_id, clients)
    return {
        pk: {
            "missing_apps": o["missing"],
            "problematic_apps": o["problematic"],
            "project": str(o["project"]) if money else None,
            "revenue": str(o["revenue"]) if money else None,
        }
        for pk, o in found.items()
    }
