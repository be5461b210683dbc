"""The portal's own sign-in, sign-out and password reset (Django's views, portal templates)."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy

from clientdesk.portal.forms import PortalResetForm, PortalSignInForm
from clientdesk.portal.queries import SESSION_KEY, sign_in_problem


def _for_invitation(url: str) -> bool:
    prefix = reverse("portal_invitation", args=["x"]).removesuffix("x/")
    return bool(url) and url.startswith(prefix)


class PortalSignInView(auth_views.LoginView):
    form_class = PortalSignInForm
    template_name = "portal/sign_in.html"

    def dispatch(self, request, *args, **kwargs):
        if (
            request.method == "GET"
            and request.user.is_authenticated
            and sign_in_problem(user=request.user) is None
        ):
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "for_invitation": _for_invitation(self.get_redirect_url()),
        }

    def get_default_redirect_url(self):
        return reverse("portal_home")

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(SESSION_KEY, None)  # portal_scope picks their first open client
        return response


class PortalSignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal_login")


# The staff templates, in the portal's frame and with the portal's links.
PORTAL_FRAME = {
    "frame": "portal/auth_base.html",
    "sign_in_url": "portal_login",
    "reset_url": "portal_password_reset",
}


class PortalResetView(auth_views.PasswordResetView):
    form_class = PortalResetForm
    template_name = "core/password_reset.html"
    extra_context = PORTAL_FRAME
    success_url = reverse_lazy("portal_password_reset_done")


class PortalResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"  # its own words: portal people only


class PortalResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    extra_context = PORTAL_FRAME
    success_url = reverse_lazy("portal_password_reset_complete")


class PortalResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/password_reset_complete.html"
    extra_context = PORTAL_FRAME
