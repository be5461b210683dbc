"""What every staff page's frame needs: the navigation and the account switcher."""

from django.utils.translation import gettext_lazy as _

from clientdesk.core.queries import memberships_of_user
from clientdesk.core.roles import can


def frame(request) -> dict:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    nav = [
        ("account_home", _("Home"), "house", None),
        ("client_list", _("Clients"), "users", "clients/"),
    ]
    if can(membership, "account.manage"):
        nav.append(("account_settings", _("Settings"), "settings", "settings"))
    return {
        "nav_items": nav,
        "switchable_memberships": memberships_of_user(user=request.user),
        "caps": Capabilities(membership),
    }


class Capabilities:
    """`{% if caps.team_manage %}` in templates asks `can(membership, "team.manage")`."""

    def __init__(self, membership):
        self.membership = membership

    def __getitem__(self, key: str) -> bool:
        return can(self.membership, key.replace("_", ".", 1))
