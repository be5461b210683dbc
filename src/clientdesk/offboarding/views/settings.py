"""Settings › Off-boarding: the account's checklist template, one item per line (managers and
above: `clients.offboard`). New off-boardings copy it; open ones keep their own checklist."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clientdesk.core.forms import add_errors
from clientdesk.core.roles import require
from clientdesk.offboarding import queries, services
from clientdesk.offboarding.forms import ChecklistForm

CAPABILITY = "clients.offboard"


@require_http_methods(["GET", "POST"])
def offboarding_settings(request) -> HttpResponse:
    require(request.membership, CAPABILITY)
    if request.method == "POST":
        form = ChecklistForm(request.POST)
        if form.is_valid():
            try:
                services.checklist_save(
                    account=request.account, actor=request.membership, titles=form.titles()
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The off-boarding checklist was saved."))
                return redirect("offboarding_settings", account_slug=request.account.slug)
        code = 400
    else:
        titles = queries.template_titles(request.account)
        form = ChecklistForm(initial={"items": "\n".join(titles)})
        code = 200
    return render(
        request,
        "offboarding/settings.html",
        {"section": "offboarding", "form": form},
        status=code,
    )


urlpatterns = [path("", offboarding_settings, name="offboarding_settings")]
