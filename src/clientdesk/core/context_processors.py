"""What every staff page's frame needs: the navigation and the account switcher."""

from clientdesk.core import registry
from clientdesk.core.queries import memberships_of_user
from clientdesk.core.roles import can


def frame(request) -> dict:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"portal_sections": registry.portal_sections.all()}
    nav = [
        (item.url_name, item.label, item.icon, item.section)
        for item in registry.nav.for_member(membership)
    ]
    return {
        "nav_items": nav,
        "settings_sections": registry.settings_sections.for_member(membership),
        "switchable_memberships": getattr(request, "memberships", None)
        or memberships_of_user(user=request.user),
        "caps": Capabilities(membership),
    }


class Capabilities:
    """`{% if caps.team_manage %}` in templates asks `can(membership, "team.manage")`."""

    def __init__(self, membership):
        self.membership = membership

    def __getitem__(self, key: str) -> bool:
        return can(self.membership, key.replace("_", ".", 1))
