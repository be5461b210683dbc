"""The Add client pages (below /a/<account_slug>/clients/): Add manually and Invite client.

Both call onboarding.services.client_onboard, as the API and the import do.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clientdesk.clients.models import Engagement, Status
from clientdesk.core.forms import add_errors
from clientdesk.core.html import cut, sentence
from clientdesk.core.roles import require
from clientdesk.onboarding.forms import ClientCreateForm, ClientInviteForm
from clientdesk.onboarding.services import client_onboard


@require_http_methods(["GET", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    require(request.membership, "clients.write")
    initial = {"manager": request.user.pk}
    form = ClientCreateForm(request.POST or None, membership=request.membership, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        engaged = data["engagement"] == Engagement.ENGAGED
        try:
            done = client_onboard(
                account=request.account,
                actor=request.membership,
                engagement=data["engagement"],
                primary_contact={
                    "first_name": data["primary_first_name"],
                    "last_name": data["primary_last_name"],
                    "email": data["primary_email"],
                }
                if engaged
                else None,
                prefix=data["prefix"],
                name=data["name"],
                status=data["status"],
                parent=data["parent"],
                tags=data["tags"],
                description=data["description"],
                industry=data["industry"],
                manager=data["manager"],
                license=data["license"],
            )
        except ValidationError as exc:
            add_errors(form, exc, rename={f"primary_contact.{f}": f"primary_{f}" for f in NAMES})
        else:
            client = done.client
            named = format_html("{} ({})", cut(client.name), client.prefix)
            text = sentence(_("%(client)s was added."), client=named)
            if done.invitation is not None:
                text = format_html(
                    "{} {}",
                    text,
                    _("The portal invitation is on its way to %(email)s.")
                    % {"email": done.invitation.email},
                )
            messages.success(request, text)
            return redirect(_client_url(request, client))
    form.focus_first_error()
    return render(
        request, "onboarding/add.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """Invite client: the client, its primary contact and the invitation, in one step."""
    require(request.membership, "clients.write")
    require(request.membership, "clients.invite")
    form = ClientInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = client_onboard(
                account=request.account,
                actor=request.membership,
                engagement=Engagement.ENGAGED,
                primary_contact={f: data[f] for f in ("first_name", "last_name", "email")},
                prefix=data["prefix"],
                name=data["name"],
                # Invited (DESIGN §2): asked to start, not yet accepted; in Onboarding.
                status=Status.INVITED,
                manager=request.user,  # as Add manually suggests: whoever adds it
            )
        except ValidationError as exc:
            add_errors(form, exc, rename={f"primary_contact.{f}": f for f in NAMES})
        else:
            assert done.invitation is not None
            messages.success(
                request,
                sentence(
                    _("%(client)s was added and the portal invitation is on its way to %(email)s."),
                    client=format_html("{} ({})", cut(done.client.name), done.client.prefix),
                    email=done.invitation.email,
                ),
            )
            return redirect(_client_url(request, done.client))
    form.focus_first_error()
    return render(
        request, "onboarding/invite.html", {"form": form}, status=400 if form.errors else 200
    )


NAMES = ("first_name", "last_name", "email", "phone")


def _client_url(request: HttpRequest, client) -> str:
    return reverse("client_detail", args=[request.account.slug, client.pk])


urlpatterns = [
    path("new/", add, name="client_create"),
    path("invite/", invite, name="client_invite_new"),
]
