"""Who acts, for every service: one keyword, `actor`.

`actor` is the Membership when a member of the account acts (pages, the API, imports), so a
service can ask its role; a User when someone outside the team acts (a portal user accepting
an invitation, the first owner of a new account); None for the system (demo data, tasks).
"""

from clientdesk.core.models import Membership, User

Actor = Membership | User | None


def actor_user(actor):
    """The person, for `by`/`created_by` columns and the activity log (None: the system)."""
    user = actor.user if isinstance(actor, Membership) else actor
    return user if getattr(user, "pk", None) else None


def actor_member(actor) -> Membership | None:
    """The member, when a member acts, for role checks (None: no role to check)."""
    return actor if isinstance(actor, Membership) else None
