"""Settings › Applications: the account's catalog, its baseline stack per industry, and its
create, edit and delete (managers and above: `apps.catalog`). A change of prices or of the
baseline recomputes every client's opportunity (software.opportunity)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clientdesk.clients.queries import industries
from clientdesk.core.forms import add_errors
from clientdesk.core.roles import require
from clientdesk.software import queries, services
from clientdesk.software.forms import ApplicationForm

CAPABILITY = "apps.catalog"


@require_http_methods(["GET"])
def application_list(request) -> HttpResponse:
    require(request.membership, CAPABILITY)
    apps = list(queries.applications(account=request.account))
    used = queries.clients_with_app(request.account.pk)
    for app in apps:
        app.clients_count = used.get(app.pk, 0)
        app.industry_names = [i.name for i in app.baseline_industries.all()]
    return render(
        request,
        "software/settings_list.html",
        {"section": "applications", "applications": apps},
    )


def _fields(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "category": data["category"],
        "vendor": data.get("vendor") or "",
        "project_value": data.get("project_value") or 0,
        "monthly_price_per_user": data.get("monthly_price_per_user") or 0,
        "baseline": data.get("baseline") or False,
    }


def _form_page(request, form, application=None, status=200) -> HttpResponse:
    return render(
        request,
        "software/settings_form.html",
        {"section": "applications", "form": form, "application": application},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def application_new(request) -> HttpResponse:
    require(request.membership, CAPABILITY)
    form = ApplicationForm(request.POST or None, industries=industries(account=request.account))
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_create(
                account=request.account,
                actor=request.membership,
                baseline_industries=form.cleaned_data["baseline_industries"],
                **_fields(form),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added to the catalog.") % {"name": app})
            return redirect(reverse("application_list", args=[request.account.slug]))
    return _form_page(request, form, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def application_edit(request, application_id: int) -> HttpResponse:
    app = queries.get_application(account=request.account, pk=application_id)
    require(request.membership, CAPABILITY)
    initial = {
        "name": app.name,
        "category": app.category,
        "vendor": app.vendor,
        "project_value": app.project_value,
        "monthly_price_per_user": app.monthly_price_per_user,
        "baseline": app.baseline,
        "baseline_industries": [str(i.pk) for i in app.baseline_industries.all()],
    }
    form = ApplicationForm(
        request.POST or None, initial=initial, industries=industries(account=request.account)
    )
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_update(
                application=app,
                actor=request.membership,
                baseline_industries=form.cleaned_data["baseline_industries"],
                **_fields(form),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": app})
            return redirect(reverse("application_list", args=[request.account.slug]))
    return _form_page(request, form, app, status=400 if form.errors else 200)


@require_POST
def application_delete(request, application_id: int) -> HttpResponse:
    app = queries.get_application(account=request.account, pk=application_id)
    require(request.membership, CAPABILITY)
    services.application_delete(application=app, actor=request.membership)
    messages.success(request, _("%(name)s was removed from the catalog.") % {"name": app.name})
    return redirect(reverse("application_list", args=[request.account.slug]))


urlpatterns = [
    path("", application_list, name="application_list"),
    path("new/", application_new, name="application_new"),
    path("<int:application_id>/", application_edit, name="application_edit"),
    path("<int:application_id>/delete/", application_delete, name="application_delete"),
]
