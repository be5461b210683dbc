"""Which SLA times a ticket follows and the account's clock (DESIGN §4).

A client's times come from its own `ClientSla` rows, per kind (requests and jobs; incidents
follow the request times) and priority; a missing row takes the account's default for that
priority. The clock is the account's business hours and holidays, or 24×7.
"""

from datetime import time

from clientdesk.core.models import PRIORITIES, Account
from clientdesk.tickets.clock import OFFICE_HOURS, Calendar, WeekHours
from clientdesk.tickets.models import ClientSla, Holiday, Kind, SlaKind, TicketSettings

SLA_KINDS = (SlaKind.REQUEST, SlaKind.JOB)


def sla_kind_of(kind: str) -> str:
    return SlaKind.JOB if kind == Kind.JOB else SlaKind.REQUEST


def settings_of(account: Account) -> TicketSettings:
    """The account's ticket settings; until someone saves them, office hours (Monday to
    Friday, 09:00–17:00) and the usual names, unsaved (reading writes nothing)."""
    found = TicketSettings.objects.for_account(account).first()
    return found or TicketSettings(account=account, hours=hours_as_json(OFFICE_HOURS))


def hours_as_json(hours: WeekHours) -> dict:
    return {
        str(day): [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in spans]
        for day, spans in hours.items()
    }


def hours_from_json(data: dict) -> WeekHours:
    return {
        int(day): [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in spans]
        for day, spans in data.items()
    }


def calendar_of(account: Account) -> Calendar:
    found = settings_of(account)
    holidays = Holiday.objects.for_account(account).values_list("day", flat=True)
    return Calendar(
        time_zone=account.time_zone,
        always_open=found.always_open,
        hours=hours_from_json(found.hours or {}),
        holidays=frozenset(holidays),
    )


def default_times(account: Account, priority: str) -> tuple[int, int]:
    times = (account.default_sla or {}).get(priority) or {}
    return int(times.get("response_minutes") or 0), int(times.get("resolution_minutes") or 0)


def times_for(client, kind: str, priority: str) -> tuple[int, int]:
    """(first-response minutes, resolution minutes) for a ticket of this client."""
    row = (
        ClientSla.objects.for_client(client)
        .filter(kind=sla_kind_of(kind), priority=priority)
        .values_list("response_minutes", "resolution_minutes")
        .first()
    )
    return row or default_times(client.account, priority)


def client_sla_rows(clients: list, account=None) -> dict[int, list[dict]]:
    """Each client's whole SLA, its own rows over the account's defaults, for a page of
    clients (one query)."""
    if not clients:
        return {}
    account = account or clients[0].account
    own: dict[tuple, tuple[int, int]] = {
        (c, k, p): (r, s)
        for c, k, p, r, s in ClientSla.objects.for_account(account)
        .filter(client_id__in=[c.pk for c in clients])
        .values_list("client_id", "kind", "priority", "response_minutes", "resolution_minutes")
    }
    result = {}
    for client in clients:
        rows = []
        for kind in SLA_KINDS:
            for priority in PRIORITIES:
                response, resolution = own.get(
                    (client.pk, kind.value, priority), default_times(account, priority)
                )
                rows.append(
                    {
                        "kind": kind.value,
                        "priority": priority,
                        "response_minutes": response,
                        "resolution_minutes": resolution,
                    }
                )
        result[client.pk] = rows
    return result


def api_sla(membership, clients: list) -> dict[int, list[dict]]:
    """The API client's `sla` (core.registry.client_fields)."""
    return client_sla_rows(clients, membership.account)
