"""The client page's Apps tab: the client's stack (each app maybe flagged problematic with a
note), the missing apps of its industry's baseline one click from being added, and what they
are worth."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clientdesk.clients.queries import get_client
from clientdesk.clients.views.detail import page_context
from clientdesk.core.roles import can, require
from clientdesk.software import queries, services
from clientdesk.software.forms import ClientAppEditForm, ClientAppForm

CAPABILITY = "apps.write"


@require_GET
def client_apps(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    stack = list(queries.client_stack(client=client))
    held = {row.application_id for row in stack}
    catalog = list(queries.applications(account=request.account))
    opportunity = queries.opportunity_of(client=client)
    by_name = {app.name: app for app in catalog}
    context = page_context(request, client) | {
        "client": client,
        "active_tab": "apps",
        "stack": stack,
        "missing": [by_name[name] for name in opportunity["missing"] if name in by_name],
        "addable": [app for app in catalog if app.pk not in held],
        "opportunity": opportunity,
        "show_money": can(request.membership, "money.read"),
        "catalog_empty": not catalog,
    }
    return render(request, "software/client_tab.html", context)


def _back(request: HttpRequest, client) -> HttpResponse:
    return redirect(reverse("client_apps", args=[request.account.slug, client.pk]))


@require_POST
def client_app_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, CAPABILITY)
    form = ClientAppForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an application of the catalog."))
        return _back(request, client)
    data = form.cleaned_data
    app = queries.get_application(account=request.account, pk=data["application"])
    try:
        services.client_app_add(
            client=client,
            actor=request.membership,
            application=app,
            problematic=data["problematic"],
            note=data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(app)s added to the apps.") % {"app": app.name})
    return _back(request, client)


@require_POST
def client_app_edit(request: HttpRequest, client_id: int, application_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    row = queries.get_client_app(client=client, application_id=application_id)
    require(request.membership, CAPABILITY)
    form = ClientAppEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(request, client)
    try:
        services.client_app_update(
            row=row,
            actor=request.membership,
            problematic=form.cleaned_data["problematic"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(app)s saved.") % {"app": row.application.name})
    return _back(request, client)


@require_POST
def client_app_remove(request: HttpRequest, client_id: int, application_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    row = queries.get_client_app(client=client, application_id=application_id)
    require(request.membership, CAPABILITY)
    services.client_app_remove(row=row, actor=request.membership)
    messages.success(request, _("%(app)s removed from the apps.") % {"app": row.application.name})
    return _back(request, client)
