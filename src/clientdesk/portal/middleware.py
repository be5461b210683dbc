"""A portal user is not staff: one who lands on the staff home (say after signing in at /sign-in/
instead of /portal/sign-in/) is sent to their portal instead of an empty list of accounts.
Everything below /a/<slug>/ already answers them 404 (no membership, AccountMiddleware)."""

from django.shortcuts import redirect

from clientdesk.core.queries import memberships_of_user
from clientdesk.portal.queries import has_portal


class PortalUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.url_name != "home" or not request.user.is_authenticated:
            return None
        if not memberships_of_user(user=request.user).exists() and has_portal(user=request.user):
            return redirect("portal_home")
        return None
