"""The client's requests in the portal: the pipeline (board and list) that follows staff's
moves without a reload, raising a request, and a request's page with its public replies.

Every view goes through the portal's `portal_view` (portal.queries.portal_scope decides the
client); a ticket of any other client is 404. Internal notes never reach these pages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientdesk.core.forms import add_errors
from clientdesk.portal.views.base import portal_render, portal_view
from clientdesk.tickets import queries, services
from clientdesk.tickets.downloads import attachment_response
from clientdesk.tickets.forms import PortalReplyForm, PortalRequestForm
from clientdesk.tickets.models import Source

POLL_SECONDS = 5


def _pipeline(scope) -> dict:
    columns = {
        key: {"label": label, "items": []} for key, label in queries.pipeline(scope.account).items()
    }
    tickets = list(queries.portal_tickets(scope.client).order_by("-updated_at", "-id")[:300])
    for ticket in tickets:
        columns[ticket.status]["items"].append(ticket)
    return {
        "columns": columns,
        "tickets": tickets,
        "fingerprint": queries.portal_fingerprint(scope.client),
        "poll_seconds": POLL_SECONDS,
    }


@portal_view
@require_GET
def requests_page(request, scope):
    view = "list" if request.GET.get("view") == "list" else "board"
    contact = scope.access.contact
    context = _pipeline(scope) | {
        "view": view,
        "may_copy": scope.is_own_client and contact.is_primary,
        "copies_on": scope.is_own_client and queries.wants_mail_copies(contact),
    }
    if request.htmx and not request.htmx.history_restore_request:
        if request.GET.get("since") == context["fingerprint"]:
            return HttpResponse(status=204)  # nothing changed: htmx keeps what it shows
        return portal_render(request, "tickets/portal/requests.html#pipeline", context)
    return portal_render(request, "tickets/portal/requests.html", context)


@portal_view
@require_http_methods(["GET", "POST"])
def request_new(request, scope):
    form = PortalRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_create(
                client=scope.client,
                actor=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                priority=form.cleaned_data["priority"],
                kind="request",
                requester=scope.access.contact,
                source=Source.PORTAL,
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your request %(number)s was sent to %(provider)s.")
                % {"number": ticket.number, "provider": scope.account.name},
            )
            return redirect(reverse("portal_request", args=[ticket.pk]))
    return portal_render(
        request, "tickets/portal/new.html", {"form": form}, status=400 if form.errors else 200
    )


@portal_view
@require_GET
def request_detail(request, scope, ticket_id: int):
    ticket = queries.portal_ticket(scope.client, ticket_id)
    return _detail(request, scope, ticket, PortalReplyForm())


def _detail(request, scope, ticket, form, status=200):
    replies, ticket_files = queries.conversation_with_files(ticket, public_only=True)
    return portal_render(
        request,
        "tickets/portal/detail.html",
        {
            "ticket": ticket,
            "status_label": queries.pipeline(scope.account).get(ticket.status),
            "replies": replies,
            "ticket_files": ticket_files,
            "form": form,
        },
        status=status,
    )


@portal_view
@require_POST
def request_reply(request, scope, ticket_id: int):
    ticket = queries.portal_ticket(scope.client, ticket_id)
    form = PortalReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reply_add(
                ticket=ticket,
                actor=request.user,
                contact=scope.access.contact,
                body=form.cleaned_data["body"],
                source=Source.PORTAL,
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect(reverse("portal_request", args=[ticket.pk]) + "#conversation-end")
    return _detail(request, scope, ticket, form, status=400)


@portal_view
@require_GET
def request_attachment(request, scope, ticket_id: int, attachment_id: int):
    ticket = queries.portal_ticket(scope.client, ticket_id)
    return attachment_response(queries.attachment_of(ticket, attachment_id, public_only=True))


@portal_view
@require_POST
def request_copies(request, scope):
    """The primary contact's choice: a copy of every ticket email of their client."""
    contact = scope.access.contact
    if not (scope.is_own_client and contact.is_primary):
        raise Http404
    on = request.POST.get("copies") == "on"
    services.mail_copy_set(contact=contact, on=on)
    messages.success(
        request,
        _("You will receive a copy of every request's replies and moves.")
        if on
        else _("You will receive emails about your own requests only."),
    )
    return redirect(reverse("portal_requests"))
