"""The home page's panel of off-boardings due soon or overdue, for the lead to register on the
home page (another branch builds its registry): `home_panel(request)` → the context of
`offboarding/home_panel.html`, two queries."""

from clientdesk.offboarding import queries

LIMIT = 10


def home_panel(request) -> dict:
    membership = request.membership
    today = queries.today_for(membership.account)
    runs = list(queries.due_soon(membership)[:LIMIT])
    return {
        "offboarding_due": [{"run": r, "overdue": queries.is_overdue(r, today)} for r in runs],
        "offboarding_overdue_count": queries.overdue_offboardings(membership).count(),
    }
