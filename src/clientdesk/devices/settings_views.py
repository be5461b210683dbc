"""Settings › Devices: the names of the RMM's tiers and the RMM's device address (owners and
admins). Joined to Settings through core.registry."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clientdesk.core.forms import add_errors
from clientdesk.core.roles import require
from clientdesk.devices import services
from clientdesk.devices.forms import DeviceSettingsForm
from clientdesk.devices.queries import settings_of

CAPABILITY = "account.manage"


@require_http_methods(["GET", "POST"])
def device_settings(request) -> HttpResponse:
    require(request.membership, CAPABILITY)
    found = settings_of(request.account)
    form = DeviceSettingsForm(
        request.POST or None,
        labels=found.type_labels or {},
        custom=found.custom_fields or [],
        initial={"rmm_url_pattern": found.rmm_url_pattern},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.device_settings_update(
                account=request.account,
                actor=request.membership,
                type_labels=form.type_labels(),
                rmm_url_pattern=form.cleaned_data["rmm_url_pattern"],
                custom_labels=form.custom_labels(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Device settings saved."))
            return redirect("device_settings", account_slug=request.account.slug)
    status = 400 if form.errors else 200
    return render(
        request, "devices/settings.html", {"section": "devices", "form": form}, status=status
    )


urlpatterns = [path("", device_settings, name="device_settings")]
