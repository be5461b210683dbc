"""The client page's off-boarding view (below /a/<slug>/clients/<id>/offboarding/): the
checklist with its progress bar, ticking by htmx, Complete and Cancel; the Start off-boarding
and Win back dialogs post here too. Thin: queries to look up, services to write."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clientdesk.clients.models import Client, Status
from clientdesk.clients.queries import get_client
from clientdesk.clients.views.detail import page_context
from clientdesk.core.forms import add_errors
from clientdesk.core.html import cut, sentence
from clientdesk.core.roles import can, require
from clientdesk.offboarding import queries, services
from clientdesk.offboarding.forms import StartForm, WinBackForm
from clientdesk.offboarding.models import Offboarding
from clientdesk.offboarding.panels import facts
from clientdesk.portal.services import open_invitations, portal_users


def _to_page(client: Client):
    return redirect("client_offboarding", account_slug=client.account.slug, client_id=client.pk)


def _checklist(request, client: Client, run: Offboarding | None) -> dict:
    items = queries.items_of(run) if run else []
    done = sum(i.done for i in items)
    return {
        "run": run,
        "items": items,
        "done": done,
        "total": len(items),
        "open_count": len(items) - done,
        "percent": round(100 * done / len(items)) if items else 0,
        "may_tick": run is not None and run.is_open and can(request.membership, "offboarding.tick"),
        "may_end": run is not None and run.is_open and can(request.membership, "clients.offboard"),
    }


def _render(request, client: Client, *, code: int = 200, **extra) -> HttpResponse:
    context = page_context(request, client) | {"active_tab": "offboarding"}
    run = context["offboarding_run"]
    context.update(_checklist(request, client, run))
    context["runs"] = queries.runs_of(client=client)
    if run is not None and run.is_open:
        context["portal_users_count"] = len(portal_users(client=client))
        context["portal_invitations_count"] = len(open_invitations(client=client))
    context.update(extra)
    return render(request, "offboarding/client_page.html", context, status=code)


@require_GET
def client_offboarding(request: HttpRequest, client_id: int) -> HttpResponse:
    return _render(request, get_client(membership=request.membership, pk=client_id))


@require_POST
def offboarding_start(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.offboard")
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            services.offboarding_start(
                client=client,
                actor=request.membership,
                on=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                sentence(_("Off-boarding of %(name)s started."), name=cut(client.name)),
            )
            return _to_page(client)
    return _render(request, client, code=400, offboarding_start_form=form)


@require_POST
def offboarding_tick(request: HttpRequest, client_id: int, item_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    run = queries.get_latest(client=client)
    item = queries.get_item(run=run, pk=item_id)
    require(request.membership, "offboarding.tick")
    error = ""
    try:
        services.offboarding_item_set(
            item=item, actor=request.membership, done=request.POST.get("done") == "1"
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _to_page(client)
    run = queries.get_latest(client=client)
    context = _checklist(request, client, run) | {
        "client": client,
        "offboarding_overdue": queries.is_overdue(run, queries.today_for(request.account)),
        "tick_error": error,
        "oob_count": True,  # the header's done/total follows too
    }
    return render(request, "offboarding/checklist.html", context, status=409 if error else 200)


def _end(request, client_id: int, call, done_message: str) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    run = queries.get_latest(client=client)
    require(request.membership, "clients.offboard")
    try:
        call(offboarding=run, actor=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, sentence(done_message, name=cut(client.name)))
    return _to_page(client)


@require_POST
def offboarding_complete(request: HttpRequest, client_id: int) -> HttpResponse:
    return _end(
        request,
        client_id,
        services.offboarding_complete,
        _("Off-boarding of %(name)s completed: it is now inactive and its portal is closed."),
    )


@require_POST
def offboarding_cancel(request: HttpRequest, client_id: int) -> HttpResponse:
    return _end(
        request,
        client_id,
        services.offboarding_cancel,
        _("Off-boarding of %(name)s cancelled: it is active again."),
    )


@require_POST
def client_win_back(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.status")
    form = WinBackForm(request.POST)
    if form.is_valid():
        try:
            services.client_win_back(
                client=client,
                actor=request.membership,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_errors(form, exc, rename={"status": "to_status"})
        else:
            messages.success(
                request,
                sentence(
                    _("%(name)s is back, as %(status)s."),
                    name=cut(client.name),
                    status=Status(form.cleaned_data["to_status"]).label,
                ),
            )
            return redirect("client_detail", account_slug=client.account.slug, client_id=client.pk)
    facts(request, client)  # the page's header reads them
    return _render(request, client, code=400, win_back_form=form)
