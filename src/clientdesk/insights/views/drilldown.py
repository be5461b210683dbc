"""View details (/a/<slug>/insights/details/?date=&status=): the clients with a status at the
end of a day, the list behind a point of the chart; the day and the status are in the URL, so
the list can be shared. A page at a time (keyset), each client linking to its page."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clientdesk.clients.models import Status
from clientdesk.core.pagination import BadCursor
from clientdesk.insights import queries
from clientdesk.insights.forms import RangeForm
from clientdesk.insights.metrics import day_check, local_today
from clientdesk.insights.views.page import _form, day_numbers, range_query

PAGE_SIZE = 50


@require_GET
def insights_clients(request: HttpRequest) -> HttpResponse:
    form: RangeForm = _form(request)
    # Without a day or a status: today's active clients.
    status = request.GET.get("status", "") or Status.ACTIVE
    text = request.GET.get("date", "")
    errors: dict[str, str] = {}
    day = None
    try:
        day = day_check("date", text) if text else local_today(request.account)
    except ValidationError as exc:
        errors["date"] = exc.message_dict["date"][0]
    if status not in Status.values:
        errors["status"] = str(_status_message())
    context: dict = {
        "errors": errors,
        "statuses": Status.choices,
        "query": range_query(form.chosen()) if form.is_valid() else "",
        "status": status,
        "day": day,
        "today": local_today(request.account),
    }
    if not errors and day is not None:
        try:
            page = queries.drill_down_page(
                request.membership,
                status,
                day,
                cursor=request.GET.get("cursor") or None,
                before=request.GET.get("before") or None,
                limit=PAGE_SIZE,
            )
        except BadCursor:
            page = queries.drill_down_page(request.membership, status, day, limit=PAGE_SIZE)
        context.update(
            page=page,
            count=queries.drill_down_count(request.membership, status, day),
            status_label=Status(status).label,
            day_numbers=day_numbers(request, day),
        )
    return render(request, "insights/clients.html", context, status=400 if errors else 200)


def _status_message():
    from django.utils.translation import gettext as _

    return _("Choose one of the statuses.")
