"""The software columns and filters of the Clients list (core.registry.client_columns and
client_filters): the app stack and missing apps indicators, the two opportunities (sortable),
the problematic-apps filter and the project-opportunity filter."""

from decimal import Decimal, InvalidOperation

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientdesk.clients.models import Client
from clientdesk.core.registry import page_shared
from clientdesk.software import queries


def indicator_values(membership, clients) -> dict[int, dict]:
    """Each row's stack, missing and problematic names (the indicators and their lists); the
    two indicator columns of one page share one reading."""

    def read() -> dict[int, dict]:
        found = queries.stack_names(membership.account_id, clients, money=False)
        for value in found.values():
            _words(value)
        return found

    return page_shared(membership, "software_names", clients, read)


def _words(value: dict) -> None:
    """The cells' words, made once here rather than by the template in each of 50 rows: the
    hover text, what a screen reader says, and the dots (at most 8 drawn)."""
    stack, missing, problematic = value["stack"], value["missing"], value["problematic"]
    bad = set(problematic)
    value["stack_dots"] = ["bad" if name in bad else "ok" for name in stack[:8]]
    value["missing_dots"] = range(min(len(missing), 8))
    title = ", ".join(stack) if stack else _("No apps recorded")
    said = ngettext("%(n)s app", "%(n)s apps", len(stack)) % {"n": len(stack)}
    if stack:
        said += ": " + ", ".join(stack)
    if problematic:
        title += " — " + _("problematic:") + " " + ", ".join(problematic)
        said += "; " + ngettext("%(n)s problematic", "%(n)s problematic", len(problematic)) % {
            "n": len(problematic)
        }
        said += ": " + ", ".join(problematic)
    value["stack_title"], value["stack_said"] = title, said
    value["missing_title"] = _("Missing:") + " " + ", ".join(missing)
    value["missing_said"] = (
        ngettext("%(n)s missing app", "%(n)s missing apps", len(missing)) % {"n": len(missing)}
        + ": "
        + ", ".join(missing)
    )


def _kept(field: str):
    def values(membership, clients) -> dict[int, Decimal]:
        # Read from the page's clients by their ids (rowid lookups on SQLite), joined to their
        # kept rows; read on the opportunity table by account, SQLite would scan the account's
        # whole index. The two money columns of one page share this one query.
        def read() -> dict[int, tuple]:
            rows = (
                Client.objects.for_account(membership.account_id)
                .filter(pk__in=[c.pk for c in clients])
                .values_list("pk", "opportunity__project", "opportunity__revenue")
            )
            return {pk: (p, r) for pk, p, r in rows}

        money = page_shared(membership, "software_money", clients, read)
        zero = Decimal("0.00")
        index = 0 if field == "project" else 1
        return {c.pk: (money.get(c.pk) or (zero, zero))[index] or zero for c in clients}

    return values


project_values = _kept("project")
revenue_values = _kept("revenue")


def project_sort():
    return F("opportunity__project")


def revenue_sort():
    return F("opportunity__revenue")


def kept_rows(membership, clients):
    """Every live client has its kept row (made with the client, software.events): an INNER
    JOIN, named by its account too, which lets the keyset page walk opportunity_project_idx /
    _revenue_idx (account_id, value, client_id) instead of sorting every client."""
    return clients.filter(opportunity__account_id=membership.account_id)


def export_names(value) -> str:
    return ", ".join(value["stack"]) if value else ""


def export_missing(value) -> str:
    return ", ".join(value["missing"]) if value else ""


def export_money(value) -> str:
    return "" if value is None else str(value)


# Filters ------------------------------------------------------------------------------------


def parse_yes_no(raw: str) -> bool | None:
    value = raw.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise ValueError(_("Give true or false."))


def apply_has_problematic(membership, clients, value: bool):
    has = queries.problematic_clients(membership, None)
    return clients.filter(has) if value else clients.exclude(has)


def parse_app(raw: str) -> int | str | None:
    """ "any", or an application's id."""
    value = raw.strip().lower()
    if value == "any":
        return "any"
    if value.isdigit() and 0 < int(value) < 2**63:
        return int(value)
    raise ValueError(_("Give an application's id, or any."))


def apply_problematic_app(membership, clients, value):
    return clients.filter(
        queries.problematic_clients(membership, None if value == "any" else value)
    )


def app_choices(membership):
    return list(queries.applications(account=membership.account_id).values_list("pk", "name"))


def parse_amount(raw: str) -> Decimal | None:
    try:
        amount = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("Give an amount, such as 1000 or 1000.50.")) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("999999999999.99"):
        raise ValueError(_("Give an amount from 0 to 999999999999.99."))
    return amount


def apply_min_project(membership, clients, value: Decimal):
    if value <= 0:
        return clients
    return clients.filter(opportunity__project__gte=value)
