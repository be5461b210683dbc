"""The portal's pages: home, the client's contacts, the person's profile, the client switcher.
Every one goes through `portal_view`, which asks `portal.queries.portal_scope`."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from clientdesk.contacts.services import contact_create, contact_update
from clientdesk.core.html import cut, sentence
from clientdesk.portal import queries
from clientdesk.portal.forms import ColleagueForm, ProfileForm
from clientdesk.portal.services import (
    CannotInvite,
    portal_access_revoke,
    portal_invitation_revoke,
    portal_invite,
)
from clientdesk.portal.views.base import portal_render, portal_view


@portal_view
def home(request, scope):
    access = scope.access
    return portal_render(
        request,
        "portal/home.html",
        {
            "primary": queries.primary_contact(client=scope.client),
            "subclients": queries.subclients(access=access) if scope.is_own_client else [],
        },
    )


@portal_view
def contacts(request, scope):
    return _contacts_page(request, scope)


def _contacts_page(request, scope, form=None):
    return portal_render(
        request,
        "portal/contacts.html",
        {
            "contacts": queries.portal_contacts(scope=scope),
            "form": form or (ColleagueForm() if scope.can_manage_contacts else None),
            "me": scope.access.contact_id,
        },
        status=400 if form is not None else 200,
    )


def _require_manager(scope) -> None:
    # Not the primary contact: the same 404 as a page that does not exist.
    if not scope.can_manage_contacts:
        raise Http404


@portal_view
@require_POST
def contact_invite_new(request, scope):
    _require_manager(scope)
    form = ColleagueForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                contact = contact_create(
                    client=scope.client, actor=request.user, **form.cleaned_data
                )
                portal_invite(client=scope.client, actor=request.user, contact=contact)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": contact.email},
            )
            return redirect("portal_contacts")
    return _contacts_page(request, scope, form=form)


@portal_view
@require_POST
def contact_invite(request, scope, contact_id: int):
    _require_manager(scope)
    contact = queries.portal_contact(scope=scope, pk=contact_id)
    try:
        portal_invite(client=scope.client, actor=request.user, contact=contact)
    except (CannotInvite, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": contact.email})
    return redirect("portal_contacts")


@portal_view
@require_POST
def contact_deactivate(request, scope, contact_id: int):
    _require_manager(scope)
    contact = queries.portal_contact(scope=scope, pk=contact_id)
    if contact.pk == scope.access.contact_id or contact.is_primary:
        messages.error(request, _("You cannot deactivate yourself, the primary contact."))
        return redirect("portal_contacts")
    with transaction.atomic():
        if contact.active:
            contact_update(contact=contact, actor=request.user, version=None, active=False)
        for access in queries.live_accesses(contact=contact):
            portal_access_revoke(access=access, actor=request.user)
        for invitation in queries.open_invitations(contact=contact):
            portal_invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(
        request,
        sentence(
            _("%(name)s is deactivated and can no longer use the portal."),
            name=cut(contact.full_name),
        ),
    )
    return redirect("portal_contacts")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@portal_view
def profile(request, scope):
    user = request.user
    profile_form = ProfileForm(instance=user)
    password_form = PasswordChangeForm(user)
    status = 200
    if request.method == "POST" and request.POST.get("form") == "password":
        password_form = PasswordChangeForm(user, request.POST)
        if password_form.is_valid():
            password_form.save()
            update_session_auth_hash(request, password_form.user)
            messages.success(request, _("Your password is changed."))
            return redirect("portal_profile")
        status = 400
    elif request.method == "POST":
        profile_form = ProfileForm(request.POST, instance=user)
        if profile_form.is_valid():
            profile_form.save()
            messages.success(request, _("Your name is saved."))
            return redirect("portal_profile")
        status = 400
    password_form.fields["old_password"].widget.attrs.pop("autofocus", None)
    return portal_render(
        request,
        "portal/profile.html",
        {"profile_form": profile_form, "password_form": password_form},
        status=status,
    )


def switch(request):
    """Look at another of the person's clients: only one of their own accesses (or a sub-client
    they were allowed to see); any other id is a 404. Not through portal_view, so that someone
    whose current client was closed can still move to another one."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("portal_home"), reverse("portal_login"))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    client_id = queries.switch_target(user=request.user, client_id=request.POST.get("client_id"))
    request.session[queries.SESSION_KEY] = client_id
    return redirect("portal_home")
