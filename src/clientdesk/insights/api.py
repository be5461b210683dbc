"""GET /api/v1/metrics/summary, /metrics/evolution and /metrics/clients (DESIGN §7): the
figures of the Insights page (insights/queries.py) for the token's member, who sees only the
clients they may see."""

from datetime import date, timedelta
from typing import Annotated

from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from clientdesk.clients.models import Status
from clientdesk.core.api_schemas import PATTERN_MESSAGES, Cursor, ErrorOut, Limit
from clientdesk.core.roles import require
from clientdesk.insights import queries
from clientdesk.insights.metrics import day_check, local_today, range_check

router = Router(tags=["metrics"])
DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PATTERN_MESSAGES.setdefault(DAY, gettext_lazy("Enter a day as YYYY-MM-DD."))
DEFAULT_DAYS = 30
START = Query(
    pattern=DAY,
    description=f"First day (YYYY-MM-DD, the account's time zone); default: the {DEFAULT_DAYS} "
    "days that end on `end`.",
)
STATUS = "^(?:" + "|".join(Status.values) + ")$"
PATTERN_MESSAGES.setdefault(
    STATUS,
    gettext_lazy("Unknown value; use one of: %(allowed)s.") % {"allowed": ", ".join(Status.values)},
)
END = Query(pattern=DAY, description="Last day (YYYY-MM-DD), included; default: today.")


class SummaryOut(Schema):
    start: date
    end: date
    total: int = Field(description="Clients in service on at least one day of the range.")
    new: int = Field(description="Of those, clients whose first day in service ever is inside.")
    recurrent: int = Field(description="total − new.")
    churned: int = Field(description="Clients whose service ended inside the range.")
    average_permanence_days: float | None = Field(
        description="Mean, over the total clients, of the days from the first day in service to "
        "the last (or to `end`), to one decimal; null when total is 0."
    )


class DayOut(Schema):
    date: date
    counts: dict[str, int] = Field(description="Every status: clients with it at the day's end.")


class EvolutionOut(Schema):
    start: date
    end: date
    days: list[DayOut]


class MetricClientOut(Schema):
    id: int
    prefix: str
    name: str
    status: str = Field(description="The client's status now.")
    manager_email: str | None


class MetricClientPage(Schema):
    date: date
    status: str
    count: int = Field(description="How many clients had the status at the end of the day.")
    items: list[MetricClientOut]
    next: str | None


def _range(request, start: str | None, end: str | None) -> tuple[date, date]:
    last = day_check("end", end) if end else local_today(request.account)
    first = day_check("start", start) if start else last - timedelta(days=DEFAULT_DAYS - 1)
    range_check(first, last)  # a ValidationError: a 422 naming the field
    return first, last


@router.get("/metrics/summary", response={200: SummaryOut, 401: ErrorOut, 422: ErrorOut})
def metrics_summary(
    request,
    start: Annotated[str | None, START] = None,
    end: Annotated[str | None, END] = None,
):
    """Total, new, recurrent and churned clients and the average permanence over the range
    (DESIGN §3), counting only the clients you see; archived and deleted ones are left out."""
    require(request.membership, "clients.read")
    first, last = _range(request, start, end)
    s = queries.summary(request.membership, first, last)
    return {
        "start": first,
        "end": last,
        "total": s.total,
        "new": s.new,
        "recurrent": s.recurrent,
        "churned": s.churned,
        "average_permanence_days": s.average_permanence_days,
    }


@router.get("/metrics/evolution", response={200: EvolutionOut, 401: ErrorOut, 422: ErrorOut})
def metrics_evolution(
    request,
    start: Annotated[str | None, START] = None,
    end: Annotated[str | None, END] = None,
):
    """For every day of the range, the number of clients in each of the eight statuses at
    the end of that day."""
    require(request.membership, "clients.read")
    first, last = _range(request, start, end)
    evo = queries.evolution(request.membership, first, last)
    return {
        "start": first,
        "end": last,
        "days": [{"date": day, "counts": counts} for day, counts in evo.days],
    }


@router.get(
    "/metrics/clients",
    response={200: MetricClientPage, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut},
)
def metrics_clients(
    request,
    date: Annotated[str, Query(pattern=DAY, description="The day (YYYY-MM-DD).")],
    status: Annotated[str, Query(pattern=STATUS, description="The status at the day's end.")],
    cursor: Cursor = None,
    limit: Limit = 50,
):
    """The clients with `status` at the end of `date` (the chart's *View details*), by name,
    and how many they are."""
    require(request.membership, "clients.read")
    day = day_check("date", date)
    page = queries.drill_down_page(request.membership, status, day, cursor=cursor, limit=limit)
    return {
        "date": day,
        "status": status,
        "count": queries.drill_down_count(request.membership, status, day),
        "items": [
            {
                "id": c.pk,
                "prefix": c.prefix,
                "name": c.name,
                "status": c.status,
                "manager_email": c.manager.email if c.manager_id else None,
            }
            for c in page.items
        ],
        "next": page.next,
    }
