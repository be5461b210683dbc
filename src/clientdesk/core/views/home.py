from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from clientdesk.core.queries import memberships_of_user


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
    return render(request, "core/account_home.html")
