"""Accepting a portal invitation: the link from the email sets the person's password."""

from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from clientdesk.core.queries import user_exists
from clientdesk.portal.services import portal_invitation_accept, portal_invitation_by_token


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@csrf_protect
def invitation_accept(request, token: str):
    invitation = portal_invitation_by_token(token)
    if invitation is None:
        return render(request, "portal/invitation_invalid.html", status=404)
    context = {"invitation": invitation}
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.email.lower() != invitation.email.lower():
        return render(request, "portal/invitation_other_user.html", context, status=403)
    if user is None and user_exists(email=invitation.email):
        # One login per person: someone who has one signs in, then comes back to accept.
        return render(request, "portal/invitation_accept.html", {**context, "sign_in_first": True})
    form = SetPasswordForm(None, request.POST or None) if user is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            access = portal_invitation_accept(
                invitation=invitation,
                user=user,
                password=form.cleaned_data["new_password1"] if form else "",
            )
        except ValidationError as exc:
            context["errors"] = exc.messages
        else:
            if user is None:
                login(request, access.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["portal_client_id"] = access.client_id
            return redirect("portal_home")
    return render(request, "portal/invitation_accept.html", {**context, "form": form})
