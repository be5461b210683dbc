"""The tickets' panel of the account's home page (core.registry.home_panels): open work."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils import timezone

from clientdesk.tickets import queries
from clientdesk.tickets.models import DONE

DUE_SHOWN = 5


def open_work(request) -> dict:
    """The open tickets of the clients this member sees: how many, how many breached, how
    many due by the end of today, and the first few due today (three queries)."""
    account = request.account
    zone = ZoneInfo(account.time_zone or "UTC")
    now = timezone.now()
    tomorrow = datetime.combine(timezone.localdate(now, zone) + timedelta(days=1), time.min, zone)
    live = queries.tickets_visible(request.membership).exclude(status__in=DONE)
    due_today = Q(resolved_at=None, resolution_due_at__lt=tomorrow, resolution_due_at__gte=now) | Q(
        first_response_at=None, response_due_at__lt=tomorrow, response_due_at__gte=now
    )
    counts = live.aggregate(
        open=Count("id"),
        breached=Count("id", filter=queries.breached_q(now)),
        due_today=Count("id", filter=due_today),
    )
    due = list(
        live.filter(due_today)
        .select_related("client")
        .order_by("resolution_due_at", "id")[:DUE_SHOWN]
    )
    return {"work": counts, "work_due": due}
