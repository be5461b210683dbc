"""A small catalog of the tests' own (the starter catalog set aside), and the clients it
serves: every figure below is worked by hand in the tests."""

from decimal import Decimal

from clientdesk.clients.models import Industry
from clientdesk.software.models import Application, ClientApp, ClientOpportunity
from clientdesk.software.services import application_create


def industry(cast, name):
    return Industry.objects.get(account=cast.account, name=name)


def worked_catalog(cast):
    """A: baseline for all, 1000.00 + 10.50 a user and month; B: baseline for Legal,
    2500.00 + 39.99; C: not baseline, 300.00 + 5.00; D: baseline for Retail, 700.00 + 8.25."""
    ClientApp.objects.filter(account=cast.account).delete()
    Application.objects.filter(account=cast.account).delete()
    made = {}
    for key, name, project, monthly, baseline, industries in (
        ("A", "Alpha Mail", "1000.00", "10.50", True, []),
        ("B", "Brief Legal", "2500.00", "39.99", True, ["Legal"]),
        ("C", "Chat Tool", "300.00", "5.00", False, []),
        ("D", "Dock POS", "700.00", "8.25", True, ["Retail"]),
    ):
        made[key] = application_create(
            account=cast.account,
            actor=cast.manager,
            name=name,
            category="other",
            project_value=Decimal(project),
            monthly_price_per_user=Decimal(monthly),
            baseline=baseline,
            baseline_industries=industries,
        )
    return made


def kept(client) -> ClientOpportunity:
    return ClientOpportunity.objects.get(client=client)
