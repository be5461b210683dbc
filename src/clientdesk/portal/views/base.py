"""What every portal page shares: signed out → the portal's sign-in; then the scope from
`portal.queries.portal_scope` (404 for anything else, the closed page for a closed client)."""

import zoneinfo
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from clientdesk.portal.queries import (
    CLOSED_MESSAGE,
    PortalClosed,
    portal_scope,
    switch_choices,
)


def portal_view(view):
    """Wraps a portal page: `view(request, scope, **kwargs)`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal_login"))
        try:
            scope = portal_scope(user=request.user, session=request.session)
        except PortalClosed:
            return render(
                request,
                "portal/closed.html",
                {"message": CLOSED_MESSAGE, "choices": switch_choices(user=request.user)},
                status=403,
            )
        request.portal = scope
        timezone.activate(zoneinfo.ZoneInfo(scope.account.time_zone))
        return view(request, scope, *args, **kwargs)

    return wrapped


def portal_render(request, template: str, context: dict | None = None, status: int = 200):
    """Render inside the portal frame: the provider, the client, the switcher."""
    scope = request.portal
    frame = {
        "portal": scope,
        "portal_choices": switch_choices(user=request.user),
    }
    return render(request, template, {**frame, **(context or {})}, status=status)
