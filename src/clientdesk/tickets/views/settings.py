"""Settings › Tickets: the SLA clock's business hours (or 24×7), holidays, and the names of
the pipeline's steps (owners and admins). Joined to Settings through core.registry."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clientdesk.core.forms import add_errors
from clientdesk.core.roles import require
from clientdesk.core.tenancy import get_or_404
from clientdesk.tickets import settings_services as services
from clientdesk.tickets.forms import HolidayForm, TicketSettingsForm
from clientdesk.tickets.models import Holiday
from clientdesk.tickets.sla import settings_of

CAPABILITY = "account.manage"


def _page(request, form, holiday_form, status=200) -> HttpResponse:
    return render(
        request,
        "tickets/settings.html",
        {
            "section": "tickets",
            "form": form,
            "holiday_form": holiday_form,
            "holidays": Holiday.objects.for_account(request.account).order_by("day"),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def ticket_settings(request) -> HttpResponse:
    require(request.membership, CAPABILITY)
    found = settings_of(request.account)
    form = TicketSettingsForm(request.POST or None, found=found, labels=found.status_labels)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_settings_update(
                account=request.account,
                actor=request.membership,
                always_open=form.cleaned_data["always_open"],
                hours=form.hours(),
                status_labels=form.status_labels(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Ticket settings saved."))
            return redirect("ticket_settings", account_slug=request.account.slug)
    return _page(request, form, HolidayForm(), status=400 if form.errors else 200)


@require_POST
def holiday_add(request) -> HttpResponse:
    require(request.membership, CAPABILITY)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            services.holiday_add(
                account=request.account, actor=request.membership, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The holiday was added: the SLA clock stops that day."))
            return redirect("ticket_settings", account_slug=request.account.slug)
    found = settings_of(request.account)
    return _page(
        request, TicketSettingsForm(found=found, labels=found.status_labels), form, status=400
    )


@require_POST
def holiday_remove(request, holiday_id: int) -> HttpResponse:
    require(request.membership, CAPABILITY)
    holiday = get_or_404(Holiday.objects.for_account(request.account), pk=holiday_id)
    services.holiday_remove(holiday=holiday, actor=request.membership)
    messages.success(request, _("The holiday was removed."))
    return redirect("ticket_settings", account_slug=request.account.slug)


urlpatterns = [
    path("", ticket_settings, name="ticket_settings"),
    path("holidays/", holiday_add, name="holiday_add"),
    path("holidays/<int:holiday_id>/remove/", holiday_remove, name="holiday_remove"),
]
