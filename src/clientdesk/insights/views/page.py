"""The Insights page (/a/<slug>/insights/): the range, the five metric cards with their change
against the previous range of the same length, the evolution chart with its table, the day
panel a click on the chart opens, and the chart's numbers as CSV.

Every staff role reads it (`clients.read`); the figures count only the clients the member sees.
"""

import csv
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from clientdesk.clients.models import Status
from clientdesk.core.roles import require
from clientdesk.insights import queries
from clientdesk.insights.forms import RangeForm
from clientdesk.insights.metrics import Range, change, day_check, local_today
from clientdesk.insights.status_tables_views import status_tables_context

CARDS = [
    ("total", gettext_lazy("Total clients"), gettext_lazy("In service on at least one day")),
    ("new", gettext_lazy("New clients"), gettext_lazy("First day in service in this range")),
    ("recurrent", gettext_lazy("Recurrent clients"), gettext_lazy("In service before too")),
    ("churned", gettext_lazy("Churned clients"), gettext_lazy("Service ended in this range")),
    (
        "permanence",
        gettext_lazy("Average permanence"),
        gettext_lazy("Days from the first day in service"),
    ),
]
# Fewer is better for these: their rise is shown as bad news.
WORSE_WHEN_UP = {"churned"}


def _form(request: HttpRequest) -> RangeForm:
    require(request.membership, "clients.read")
    return RangeForm(request.GET, today=local_today(request.account))


def range_query(chosen: Range) -> str:
    """The range as a query string (a preset stays a preset: its link follows the days)."""
    if chosen.preset != "custom":
        return urlencode({"range": chosen.preset})
    return urlencode(
        {"range": "custom", "start": chosen.start.isoformat(), "end": chosen.end.isoformat()}
    )


def _figures(s: queries.Summary) -> dict:
    return {
        "total": s.total,
        "new": s.new,
        "recurrent": s.recurrent,
        "churned": s.churned,
        "permanence": s.average_permanence_days,
    }


def _cards(now: queries.Summary, before: queries.Summary) -> list[dict]:
    figures, previous = _figures(now), _figures(before)
    cards = []
    for key, label, help_text in CARDS:
        moved = change(figures[key], previous[key])
        if moved and (moved["up"] or moved["down"]):
            good = moved["down"] if key in WORSE_WHEN_UP else moved["up"]
            moved["tone"] = "good" if good else "bad"
        cards.append(
            {
                "key": key,
                "label": label,
                "help": help_text,
                "value": figures[key],
                "previous": previous[key],
                "change": moved,
            }
        )
    return cards


def _table_body(evolution: queries.Evolution, query: str) -> SafeString:
    """The rows of the chart's table (a day each, its link opening that day's panel), joined
    here: 365 rows × 9 cells through the template language cost more than the queries."""
    query = escape(query)
    rows = []
    for day, counts in evolution.days:
        iso = day.isoformat()
        cells = "".join(f'<td class="num">{counts[s]}</td>' for s in queries.STATUSES)
        rows.append(
            f'<tr><th scope="row"><a href="?{query}&amp;day={iso}#day-panel">{iso}</a></th>'
            f"{cells}</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - dates and numbers, the query escaped


def day_numbers(request: HttpRequest, day: date) -> list[dict]:
    [(_, counts)] = queries.evolution(request.membership, day, day).days
    return [
        {"status": value, "label": label, "count": counts[value]} for value, label in Status.choices
    ]


@require_GET
def insights_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict = {"form": form, "statuses": Status.choices}
    if form.is_valid():
        chosen = form.chosen()
        previous = chosen.previous()
        now, before = queries.summaries(
            request.membership, [(chosen.start, chosen.end), (previous.start, previous.end)]
        )
        evolution = queries.evolution(request.membership, chosen.start, chosen.end)
        hidden = [s for s in request.GET.get("hide", "").split(",") if s in Status.values]
        context.update(
            chosen=chosen,
            previous=previous,
            query=range_query(chosen),
            cards=_cards(now, before),
            table_body=_table_body(evolution, range_query(chosen)),
            hidden=hidden,
            chart={
                "days": [d.isoformat() for d, _ in evolution.days],
                "series": [
                    {
                        "status": value,
                        "label": str(label),
                        "counts": [counts[value] for _, counts in evolution.days],
                    }
                    for value, label in Status.choices
                ],
                "hidden": hidden,
            },
        )
        text = request.GET.get("day", "")
        if text:
            try:
                day = day_check("day", text)
            except ValidationError:  # a bad day in a shared link: no panel, as if it were absent
                day = None
            if day and chosen.start <= day <= chosen.end:
                context["day"] = day
                context["day_numbers"] = day_numbers(request, day)
        # Today's count per status, each opening its list (the status tables).
        context.update(status_tables_context(request))
    return render(request, "insights/page.html", context)


@require_GET
def insights_day(request: HttpRequest) -> HttpResponse:
    """The panel of one day's numbers (the chart's click), each with its View details link;
    today's without a day."""
    form = _form(request)
    text = request.GET.get("day", "")
    try:
        day = day_check("day", text) if text else local_today(request.account)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    chosen = form.chosen() if form.is_valid() else None
    context = {
        "day": day,
        "day_numbers": day_numbers(request, day),
        "query": range_query(chosen) if chosen else "",
    }
    return render(request, "insights/day_panel.html", context)


@require_GET
def insights_csv(request: HttpRequest) -> HttpResponse:
    """The chart's numbers: one row per day, one column per status."""
    form = _form(request)
    if not form.is_valid():
        messages = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
        return HttpResponse("\n".join(messages), status=400, content_type="text/plain")
    chosen = form.chosen()
    evolution = queries.evolution(request.membership, chosen.start, chosen.end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{request.account.slug}-clients-by-status-{chosen.start}-{chosen.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([_("Day"), *(str(label) for _, label in Status.choices)])
    for day, counts in evolution.days:
        writer.writerow([day.isoformat(), *(counts[s] for s in queries.STATUSES)])
    return response
