"""Sign in, sign out, password reset, and accepting a staff invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from clientdesk.core.forms import AcceptInvitationForm, ResetForm, SignInForm
from clientdesk.core.queries import user_exists
from clientdesk.core.services import staff_invitation_accept, staff_invitation_by_token


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "core/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class ResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "core/password_reset.html"
    success_url = reverse_lazy("password_reset_done")


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/password_reset_done.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/password_reset_complete.html"


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@csrf_protect
def invitation_accept(request, token: str):
    invitation = staff_invitation_by_token(token)
    if invitation is None:
        return render(request, "core/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    context = {"invitation": invitation}
    if user is not None and user.email.lower() != invitation.email.lower():
        return render(request, "core/invitation_other_user.html", context, status=403)
    if user is None and user_exists(email=invitation.email):
        # The person already has a login (for another account): sign in, then come back here.
        return render(request, "core/invitation_accept.html", {**context, "sign_in_first": True})
    form = AcceptInvitationForm(data=request.POST or None) if user is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            membership = staff_invitation_accept(
                invitation=invitation,
                user=user,
                name=form.cleaned_data["name"] if form else "",
                password=form.cleaned_data["new_password1"] if form else "",
            )
        except ValidationError as exc:
            if form is None:
                context["errors"] = exc.messages
            else:
                form.add_error(None, exc)
        else:
            if user is None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome to %(account)s.") % {"account": invitation.account.name}
            )
            return redirect("account_home", account_slug=invitation.account.slug)
    return render(request, "core/invitation_accept.html", {**context, "form": form})
