"""The tickets domain's risk rules (core.registry.risk_rules; insights evaluates them).

Each answers {client id: reason} for a whole account in one query.
- `sla_breaches`: at least N tickets opened in the last 30 days missed a due time (a breach
  kept, or a due time passed with nothing done: `queries.breached_q`).
- `quiet`: an active client, active for N days at least, whose people have neither signed in
  to the portal nor had a ticket opened for them for N days (tickets and the portal's
  accesses: the one rule that reads both, so it lives with the tickets, which may read the
  portal).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientdesk.clients.models import Client, Status
from clientdesk.portal.models import PortalAccess
from clientdesk.tickets.models import Ticket
from clientdesk.tickets.queries import breached_q

BREACH_WINDOW_DAYS = 30


def _start_of(day: date, account) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(account.time_zone or "UTC"))


def sla_breaches(account, threshold: int, today: date) -> dict[int, str]:
    since = _start_of(today - timedelta(days=BREACH_WINDOW_DAYS), account)
    rows = (
        Ticket.objects.for_account(account)
        .filter(created_at__gte=since)
        .filter(breached_q())
        .values("client_id")
        .annotate(n=Count("id"))
        .filter(n__gte=threshold)
        .values_list("client_id", "n")
    )
    return {
        client_id: ngettext(
            "%(n)s SLA breach in the last 30 days",
            "%(n)s SLA breaches in the last 30 days",
            n,
        )
        % {"n": n}
        for client_id, n in rows
    }


def quiet(account, threshold: int, today: date) -> dict[int, str]:
    cutoff = _start_of(today - timedelta(days=threshold), account)
    last_ticket = (
        Ticket.objects.for_account(account)
        .filter(client_id=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    last_sign_in = (
        PortalAccess.objects.for_account(account)
        .filter(client_id=OuterRef("pk"), user__last_login__isnull=False)
        .order_by(F("user__last_login").desc())
        .values("user__last_login")[:1]
    )
    rows = (
        Client.objects.for_account(account)
        .filter(status=Status.ACTIVE, archived=False, deleted_at=None)
        .filter(status_changed_at__lt=cutoff)
        .annotate(last_ticket=Subquery(last_ticket), last_sign_in=Subquery(last_sign_in))
        .filter(Q(last_ticket=None) | Q(last_ticket__lt=cutoff))
        .filter(Q(last_sign_in=None) | Q(last_sign_in__lt=cutoff))
        .values_list("pk", flat=True)
    )
    reason = _("No portal sign-in and no ticket for %(n)s days") % {"n": threshold}
    return {pk: reason for pk in rows}
