"""Resolves the account and the person's membership once per request, for every /a/<slug>/ URL.

A person who is not a member of the account gets the same 404 as for an account that does not
exist; a signed-out person is sent to sign in. Views below /a/<slug>/ can rely on
`request.account` and `request.membership` being set.
"""

import zoneinfo

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_cache_control

from clientdesk.core.queries import memberships_and_current
from clientdesk.core.tenancy import enforced


class AccountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.account = None
        request.membership = None
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.pop("account_slug", None)
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        memberships, membership = memberships_and_current(user=request.user, account_slug=slug)
        if membership is None:
            raise Http404
        request.memberships = memberships  # the account switcher's
        request.membership = membership
        request.account = membership.account
        timezone.activate(zoneinfo.ZoneInfo(membership.account.time_zone))
        if request.user.last_account_id != membership.account_id:
            request.user.last_account = membership.account
            request.user.save(update_fields=["last_account"])
        return None


class TenancyMiddleware:
    """Every request runs with tenant scoping enforced, whatever the caller allowed (a test's
    own set-up runs unscoped; the request it sends does not)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with enforced():
            return self.get_response(request)


class PrivatePagesMiddleware:
    """What a signed-in person is shown (staff pages, the portal, downloads) is theirs alone:
    no shared cache may keep it, and no browser may keep it on disk for whoever uses the
    computer next (Back after signing out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
