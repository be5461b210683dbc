from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from clientdesk.core import registry
from clientdesk.core.queries import memberships_of_user
from clientdesk.core.roles import can


@login_required
def home(request):
    """Back to the account the person used last, or the list of their accounts."""
    memberships = list(memberships_of_user(user=request.user))
    last = next((m for m in memberships if m.account_id == request.user.last_account_id), None)
    if last is None and len(memberships) == 1:
        last = memberships[0]
    if last is not None and "choose" not in request.GET:
        return redirect("account_home", account_slug=last.account.slug)
    return render(request, "core/accounts.html", {"memberships": memberships})


def account_home(request):
    """The account's home: the panels the domains add (core.registry.home_panels), each with
    what it needs and the list it links to, for this member's role and client limits."""
    panels, context = [], {}
    for panel in registry.home_panels.for_member(request.membership):
        url = None
        if panel.url_name and (
            panel.link_capability is None or can(request.membership, panel.link_capability)
        ):
            url = reverse(panel.url_name, args=[request.account.slug])
            url += f"?{panel.query}" if panel.query else ""
        context.update(panel.context(request))  # each panel's own names, as client_panels
        panels.append({"panel": panel, "url": url})
    return render(request, "core/account_home.html", {**context, "home_panels": panels})
