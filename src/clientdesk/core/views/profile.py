"""The signed-in person's own page: name, email, password, and the accounts they belong to.

It sits below every account (/a/<slug>/profile/), so that it keeps the account's frame and
its menu; what it changes is the person's, the same in every account."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from clientdesk.core.forms import PasswordForm, ProfileForm, add_errors
from clientdesk.core.queries import memberships_of_user
from clientdesk.core.services import user_password_change, user_update


def _page(request, *, profile_form=None, password_form=None, status=200):
    user = request.user
    return render(
        request,
        "core/profile.html",
        {
            "profile_form": profile_form
            or ProfileForm(initial={"name": user.name, "email": user.email}),
            "password_form": password_form or PasswordForm(user),
            "memberships": memberships_of_user(user=user),
        },
        status=status,
    )


@sensitive_post_parameters("current_password")
def profile(request):
    if request.method != "POST":
        return _page(request)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            user_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("profile", account_slug=request.account.slug)
    request.user.refresh_from_db()  # the menu shows the saved email, not the refused one
    return _page(request, profile_form=form, status=400)


@require_POST
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def profile_password(request):
    form = PasswordForm(request.user, request.POST)
    if form.is_valid():
        try:
            user = user_password_change(
                user=request.user,
                current_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(
                request,
                _(
                    "Your password is changed. Other places where you were signed in are signed out."
                ),
            )
            return redirect("profile", account_slug=request.account.slug)
    return _page(request, password_form=form, status=400)
