"""Settings › Industries: the account's list of sectors, added, renamed, merged and deleted
(owners and admins). Joined to Settings through core.registry (clients.apps)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clientdesk.clients import industries as services
from clientdesk.clients.models import Client, Industry
from clientdesk.clients.queries import industries
from clientdesk.core.roles import require
from clientdesk.core.tenancy import get_or_404

CAPABILITY = "account.manage"


def _industry(request, industry_id: int) -> Industry:
    return get_or_404(Industry.objects.for_account(request.account), pk=industry_id)


def _back(request):
    return redirect("industries", account_slug=request.account.slug)


@require_http_methods(["GET", "POST"])
def industry_list(request) -> HttpResponse:
    require(request.membership, CAPABILITY)
    error, typed = "", ""
    if request.method == "POST":
        typed = request.POST.get("name", "")
        try:
            industry = services.industry_create(
                account=request.account, actor=request.membership, name=typed
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": industry.name})
            return _back(request)
    rows = list(industries(account=request.account))
    # How many clients use each, in one query (deleted clients too: they may come back).
    used = dict(
        Client.objects.for_account(request.account)
        .exclude(industry=None)
        .values_list("industry")
        .annotate(n=Count("id"))
        .values_list("industry", "n")
    )
    for row in rows:
        row.client_count = used.get(row.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "clients/settings_industries.html",
        {"section": "industries", "industries": rows, "error": error, "typed": typed},
        status=400 if error else 200,
    )


@require_POST
def industry_rename(request, industry_id: int) -> HttpResponse:
    industry = _industry(request, industry_id)
    require(request.membership, CAPABILITY)
    try:
        services.industry_rename(
            industry=industry, actor=request.membership, name=request.POST.get("name", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Renamed to %(name)s.") % {"name": industry.name})
    return _back(request)


@require_POST
def industry_merge(request, industry_id: int) -> HttpResponse:
    industry = _industry(request, industry_id)
    require(request.membership, CAPABILITY)
    into_id = request.POST.get("into", "")
    into = (
        Industry.objects.for_account(request.account).filter(pk=int(into_id)).first()
        if into_id.isdigit() and len(into_id) < 19
        else None
    )
    if into is None:
        messages.error(
            request, _("Choose the industry to merge %(name)s into.") % {"name": industry.name}
        )
        return _back(request)
    try:
        moved = services.industry_merge(industry=industry, into=into, actor=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = ngettext(
            "%(name)s was merged into %(into)s; %(n)s client moved.",
            "%(name)s was merged into %(into)s; %(n)s clients moved.",
            moved,
        )
        messages.success(request, text % {"name": industry.name, "into": into.name, "n": moved})
    return _back(request)


@require_POST
def industry_delete(request, industry_id: int) -> HttpResponse:
    industry = _industry(request, industry_id)
    require(request.membership, CAPABILITY)
    try:
        services.industry_delete(industry=industry, actor=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s was deleted.") % {"name": industry.name})
    return _back(request)


urlpatterns = [
    path("", industry_list, name="industries"),
    path("<int:industry_id>/rename/", industry_rename, name="industry_rename"),
    path("<int:industry_id>/merge/", industry_merge, name="industry_merge"),
    path("<int:industry_id>/delete/", industry_delete, name="industry_delete"),
]
