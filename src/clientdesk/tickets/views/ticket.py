"""One ticket: opening it (the New ticket page, the client page's Log a job), its page with
the conversation, an edit, a reply or note, a move along the pipeline, and the preview the
client's Support Tickets tab expands in place.

Every view looks the ticket (or client) up through the member's scope first: hidden, deleted
or another account's is 404; only then is the role asked (`tickets.write`, 403).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientdesk.clients.queries import get_client, live_clients
from clientdesk.core.api_schemas import id_from_text
from clientdesk.core.forms import add_errors
from clientdesk.core.roles import require
from clientdesk.tickets import queries, services
from clientdesk.tickets.downloads import attachment_response
from clientdesk.tickets.forms import MoveForm, ReplyForm, TicketEditForm, TicketForm
from clientdesk.tickets.models import Kind


def _ticket_url(request: HttpRequest, ticket) -> str:
    return reverse("ticket_detail", args=[request.account.slug, ticket.pk])


@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    """Open a ticket: first the client (unless the link names it), then the ticket."""
    require(request.membership, "tickets.write")
    source = request.POST if request.method == "POST" else request.GET
    client_id = id_from_text(source.get("client", ""))
    if client_id is None:
        q = source.get("q", "").replace("\x00", "").strip()[:100]
        found = live_clients(request.membership).order_by("name", "id")
        if q:
            found = found.filter(name__icontains=q) | found.filter(prefix=q.upper())
        return render(
            request,
            "tickets/new_pick_client.html",
            {"clients": found[:20], "q": q, "kind": source.get("kind", "")},
        )
    client = get_client(membership=request.membership, pk=client_id)
    kind = source.get("kind") if source.get("kind") in Kind.values else Kind.JOB
    form = TicketForm(
        request.POST or None, request.FILES or None, client=client, initial={"kind": kind}
    )
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_create(
                client=client, actor=request.membership, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("%(number)s was opened for %(client)s.") % {
                    "number": ticket.number, "client": client.name,
                }
            )  # fmt: skip
            return redirect(_ticket_url(request, ticket))
    return render(
        request,
        "tickets/new.html",
        {"client": client, "form": form, "kind": kind},
        status=400 if form.errors else 200,
    )


def _detail(request: HttpRequest, ticket, *, edit_form=None, reply_form=None, status=200):
    pipeline = queries.pipeline(request.account)
    replies, ticket_files = queries.conversation_with_files(ticket)
    context = {
        "ticket": ticket,
        "client": ticket.client,
        "now": timezone.now(),
        "pipeline": pipeline,
        "status_label": pipeline.get(ticket.status, ticket.status),
        "breached": queries.is_breached(ticket),
        "replies": replies,
        "ticket_files": ticket_files,
        "edit_form": edit_form or TicketEditForm(ticket=ticket, status_labels=pipeline),
        "reply_form": reply_form or ReplyForm(),
    }
    return render(request, "tickets/detail.html", context, status=status)


@require_GET
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return _detail(request, queries.get_ticket(membership=request.membership, pk=ticket_id))


@require_GET
def ticket_preview(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The ticket in short, for the row of the client's Support Tickets tab that expands."""
    ticket = queries.get_ticket(membership=request.membership, pk=ticket_id)
    replies = list(queries.conversation(ticket).reverse()[:3])[::-1]
    return render(
        request,
        "tickets/preview.html",
        {
            "ticket": ticket,
            "now": timezone.now(),
            "replies": replies,
            "status_label": queries.pipeline(request.account).get(ticket.status),
        },
    )


@require_POST
def ticket_edit(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = queries.get_ticket(membership=request.membership, pk=ticket_id)
    require(request.membership, "tickets.write")
    pipeline = queries.pipeline(request.account)
    form = TicketEditForm(request.POST, ticket=ticket, status_labels=pipeline)
    if form.is_valid():
        try:
            services.ticket_update(
                ticket=ticket,
                actor=request.membership,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except services.StaleTicket as stale:
            current = TicketEditForm(ticket=stale.current, status_labels=pipeline)
            form = TicketEditForm(
                {name: current[name].value() or "" for name in current.fields},
                ticket=stale.current,
                status_labels=pipeline,
            )
            form.is_valid()
            form.add_error(
                None,
                _("Someone changed this ticket while you were editing: here it is as it is now."),
            )
            return _detail(request, stale.current, edit_form=form, status=409)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(number)s was saved.") % {"number": ticket.number})
            return redirect(_ticket_url(request, ticket))
    return _detail(request, ticket, edit_form=form, status=400)


@require_POST
def ticket_reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = queries.get_ticket(membership=request.membership, pk=ticket_id)
    require(request.membership, "tickets.write")
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reply = services.reply_add(
                ticket=ticket,
                actor=request.membership,
                body=form.cleaned_data["body"],
                public=form.cleaned_data["public"],
                minutes=form.cleaned_data["minutes"] or 0,
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your reply was sent to the client.")
                if reply.public
                else _("Your note was added; the client does not see it."),
            )
            return redirect(_ticket_url(request, ticket) + "#conversation-end")
    return _detail(request, ticket, reply_form=form, status=400)


@require_POST
def ticket_move(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """A move along the pipeline from the board; answers the board's card (htmx) or goes back
    to the board."""
    ticket = queries.get_ticket(membership=request.membership, pk=ticket_id)
    require(request.membership, "tickets.write")
    form = MoveForm(request.POST)
    back = reverse("ticket_board", args=[request.account.slug])
    query = request.POST.get("return_query", "")
    if query and not query.startswith(("/", "http")):
        back += "?" + query
    if not form.is_valid():
        messages.error(request, _("Choose a step of the pipeline."))
        return redirect(back)
    try:
        ticket = services.ticket_update(
            ticket=ticket,
            actor=request.membership,
            version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
        )
    except services.StaleTicket:
        messages.error(
            request,
            _("%(number)s changed while you looked at it: the board shows it as it is now.")
            % {"number": ticket.number},
        )
    else:
        label = queries.pipeline(request.account).get(ticket.status)
        messages.success(
            request,
            _("%(number)s moved to %(status)s.") % {"number": ticket.number, "status": label},
        )
    return redirect(back)


@require_GET
def ticket_attachment(request: HttpRequest, ticket_id: int, attachment_id: int) -> HttpResponse:
    ticket = queries.get_ticket(membership=request.membership, pk=ticket_id)
    return attachment_response(queries.attachment_of(ticket, attachment_id))
