"""Account settings pages: details, team, outbox and activity."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientdesk.audit.queries import activity_for_account
from clientdesk.audit.sentences import sentences
from clientdesk.core import queries
from clientdesk.core.forms import AccountForm, ClientAccessForm, InviteForm, RoleForm, add_errors
from clientdesk.core.models import ClientAccess
from clientdesk.core.roles import Role, require
from clientdesk.core.services import (
    account_update,
    membership_change_role,
    membership_remove,
    membership_set_client_access,
    staff_invitation_revoke,
    staff_invite,
)


def account_settings(request):
    require(request.membership, "account.manage")
    account = request.account
    form = AccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            account_update(
                account=account, actor=request.membership, default_sla=form.cleaned_sla(), **fields
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Account settings saved."))
            return redirect("account_settings", account_slug=account.slug)
        account.refresh_from_db()
    return render(request, "core/settings/account.html", {"form": form, "section": "account"})


def team(request, invite_form=None):
    require(request.membership, "team.manage")
    return render(
        request,
        "core/settings/team.html",
        {
            "section": "team",
            "members": queries.team_members(account=request.account),
            "invitations": queries.open_invitations(account=request.account),
            "invite_form": invite_form or InviteForm(),
            "roles": Role.choices,
            "client_access_choices": ClientAccess.choices,
        },
        status=400 if invite_form is not None else 200,
    )


@require_POST
def team_invite(request):
    require(request.membership, "team.manage")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = staff_invite(
                actor=request.membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("team", account_slug=request.account.slug)
    return team(request, invite_form=form)


@require_POST
def team_change_role(request, membership_id: int):
    require(request.membership, "team.manage")
    membership = queries.get_membership(account=request.account, pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed roles."))
    else:
        try:
            membership_change_role(
                actor=request.membership,
                membership=membership,
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(email)s is now %(role)s.")
                % {"email": membership.user.email, "role": membership.get_role_display()},
            )
    return redirect("team", account_slug=request.account.slug)


@require_POST
def team_client_access(request, membership_id: int):
    require(request.membership, "team.manage")
    membership = queries.get_membership(account=request.account, pk=membership_id)
    form = ClientAccessForm(request.POST, account=request.account)
    if form.is_valid():
        try:
            membership_set_client_access(
                actor=request.membership,
                membership=membership,
                access=form.cleaned_data["client_access"],
                clients=form.cleaned_data["prefixes"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Client access of %(email)s saved.") % {"email": membership.user.email}
            )
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors))
    return redirect("team", account_slug=request.account.slug)


@require_POST
def team_remove(request, membership_id: int):
    require(request.membership, "team.manage")
    membership = queries.get_membership(account=request.account, pk=membership_id)
    try:
        membership_remove(actor=request.membership, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(email)s was removed from the team.") % {"email": membership.user.email}
        )
        if membership.user_id == request.user.id:
            return redirect("home")
    return redirect("team", account_slug=request.account.slug)


@require_POST
def invitation_revoke(request, invitation_id: int):
    require(request.membership, "team.manage")
    invitation = queries.get_invitation(account=request.account, pk=invitation_id)
    staff_invitation_revoke(actor=request.membership, invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
    )
    return redirect("team", account_slug=request.account.slug)


def outbox(request):
    require(request.membership, "outbox.read")
    page = Paginator(queries.outbox(membership=request.membership), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/settings/outbox.html",
        {"section": "outbox", "page": page, "email_configured": bool(settings.EMAIL_URL)},
    )


def outbox_message(request, message_id: int):
    require(request.membership, "outbox.read")
    message = queries.get_message(membership=request.membership, pk=message_id)
    return render(
        request, "core/settings/outbox_message.html", {"section": "outbox", "message": message}
    )


def outbox_message_html(request, message_id: int):
    """The HTML body alone, sandboxed: no script, no forms, no requests out of the message."""
    require(request.membership, "outbox.read")
    message = queries.get_message(membership=request.membership, pk=message_id)
    response = HttpResponse(message.body_html or "", content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = (
        "sandbox allow-popups allow-top-navigation-by-user-activation; default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
    )
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def activity(request):
    require(request.membership, "activity.read")
    page = Paginator(activity_for_account(account=request.account), 50).get_page(
        request.GET.get("page")
    )
    entries = sentences(list(page.object_list), reader=request.membership)
    return render(
        request,
        "core/settings/activity.html",
        {"section": "activity", "page": page, "entries": entries},
    )
