"""The agreements domain's risk rule (core.registry.risk_rules; insights evaluates it).

`agreement_ending`: a client whose agreements all end within N days, or have ended: its last
agreement's end date is before today + N days (a client with no agreement at all is not
flagged by this rule). Two queries for the whole account, no list of ids."""

from datetime import date, timedelta

from django.db.models import Max
from django.utils.translation import gettext as _

from clientdesk.agreements.models import Agreement


def agreement_ending(account, threshold: int, today: date) -> dict[int, str]:
    last = today + timedelta(days=threshold)
    ends = dict(
        Agreement.objects.for_account(account)
        .values("client_id")
        .annotate(last=Max("ends_on"))
        .filter(last__lte=last)
        .values_list("client_id", "last")
    )
    if not ends:
        return {}
    # The name of each client's last agreement: those ending on or before the last day
    # (one query; the clients' own later ones are none, by the first query).
    names: dict[int, str] = {}
    rows = (
        Agreement.objects.for_account(account)
        .filter(ends_on__lte=last)
        .order_by("client_id", "ends_on", "id")
        .values_list("client_id", "name", "ends_on")
    )
    for client_id, name, ends_on in rows:
        if ends.get(client_id) == ends_on:
            names[client_id] = name
    found = {}
    for client_id, ends_on in ends.items():
        values = {"name": names.get(client_id, ""), "day": ends_on.isoformat()}
        if ends_on < today:
            found[client_id] = _("Agreement “%(name)s” ended on %(day)s") % values
        else:
            found[client_id] = _("Agreement “%(name)s” ends on %(day)s (in %(n)s days)") % {
                **values,
                "n": (ends_on - today).days,
            }
    return found
