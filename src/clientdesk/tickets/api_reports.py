"""GET /api/v1/reports/jobs (DESIGN §7): the jobs report as JSON, the figures of the page
(tickets/report.py) for the token's member."""

from datetime import date, timedelta
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from clientdesk.clients.queries import get_client
from clientdesk.core.api_schemas import MAX_ID, PATTERN_MESSAGES, ErrorOut
from clientdesk.core.roles import require
from clientdesk.tickets.api import REPEATABLE, KindFilter
from clientdesk.tickets.report import (
    DEFAULT_DAYS,
    MAX_DAYS,
    Figures,
    ReportFilters,
    jobs_report,
    local_today,
    range_check,
)

router = Router(tags=["reports"])
DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PATTERN_MESSAGES[DAY] = gettext_lazy("Enter a day as YYYY-MM-DD.")
START_HELP = (
    f"First day (YYYY-MM-DD, the account's time zone); default: the {DEFAULT_DAYS} days that "
    "end on `end`."
)


class FiguresOut(Schema):
    key: str = Field(description="The status, priority or kind; the assignee's user id.")
    label: str
    count: int
    open: int = Field(description="Neither resolved nor closed.")
    breached: int = Field(description="A due time passed before the response or resolution.")
    avg_response_minutes: float | None = Field(
        description="Wall-clock minutes from creation to the first response, averaged over "
        "the tickets answered; null when none is."
    )
    avg_resolution_minutes: float | None = Field(
        description="Wall-clock minutes from creation to resolution, averaged over the "
        "tickets resolved; null when none is."
    )
    minutes_logged: int


class AssigneeOut(FiguresOut):
    email: str | None = Field(description="null: the tickets assigned to nobody.")
    name: str


class TotalsOut(Schema):
    count: int
    open: int
    breached: int
    avg_response_minutes: float | None
    avg_resolution_minutes: float | None
    minutes_logged: int


class JobsReportOut(Schema):
    start: date
    end: date
    client_id: int | None
    subclients: bool
    kinds: list[str]
    totals: TotalsOut
    by_status: list[FiguresOut]
    by_priority: list[FiguresOut]
    by_kind: list[FiguresOut]
    by_assignee: list[AssigneeOut]


def _day(name: str, text: str) -> date:
    """A day the pattern lets through but the calendar has not (2026-02-30) is the field's
    422, as any other rule."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({name: [_("Enter a day as YYYY-MM-DD.")]}) from None


def _figures(f: Figures) -> dict:
    return {
        "key": f.key,
        "label": f.label,
        "count": f.count,
        "open": f.open,
        "breached": f.breached,
        "avg_response_minutes": f.avg_response_minutes,
        "avg_resolution_minutes": f.avg_resolution_minutes,
        "minutes_logged": f.minutes_logged,
    }


def _assignee(f: Figures) -> dict:
    return {**_figures(f), "email": f.email or None, "name": f.label if f.email else ""}


@router.get(
    "/reports/jobs",
    response={200: JobsReportOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def jobs_report_get(
    request,
    client: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="The client's id; none: every client.")
    ] = None,
    subclients: Annotated[bool, Query(description="true: the client's sub-clients too.")] = False,
    start: Annotated[str | None, Query(pattern=DAY, description=START_HELP)] = None,
    end: Annotated[
        str | None,
        Query(
            pattern=DAY,
            description=f"Last day (YYYY-MM-DD), included; default: today. At most {MAX_DAYS} "
            "days after `start`.",
        ),
    ] = None,
    kind: Annotated[KindFilter | None, Query(description=REPEATABLE)] = None,
):
    """Counts and wall-clock times of the tickets created from `start` to `end` (the
    account's calendar days), by status, priority, kind and assignee. A client you cannot see
    is a 404."""
    require(request.membership, "clients.read")
    chosen = get_client(membership=request.membership, pk=client) if client else None
    last = _day("end", end) if end else local_today(request.account)
    if start:
        first = _day("start", start)
    else:
        try:
            first = last - timedelta(days=DEFAULT_DAYS - 1)
        except OverflowError:  # an `end` in year 1: refused below all the same
            first = date.min
    range_check(first, last)  # a ValidationError: a 422 naming the field
    filters = ReportFilters(
        start=first,
        end=last,
        client=chosen,
        with_subclients=subclients and chosen is not None,
        kinds=sorted({v.strip() for value in kind or [] for v in value.split(",") if v.strip()}),
    )
    report = jobs_report(request.membership, filters)
    totals = _figures(report.totals)
    return {
        "start": first,
        "end": last,
        "client_id": chosen.pk if chosen else None,
        "subclients": filters.with_subclients,
        "kinds": filters.kinds,
        "totals": {k: v for k, v in totals.items() if k not in ("key", "label")},
        "by_status": [_figures(f) for f in report.by_status],
        "by_priority": [_figures(f) for f in report.by_priority],
        "by_kind": [_figures(f) for f in report.by_kind],
        "by_assignee": [_assignee(f) for f in report.by_assignee],
    }
