"""The software domain's risk rule (core.registry.risk_rules; insights evaluates it).

`problematic_apps`: a client whose stack holds N or more applications flagged problematic,
named in the reason. Two queries for the whole account, read through the partial index of
flagged apps (`client_app_any_problem_idx`)."""

from collections import defaultdict
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientdesk.software.models import ClientApp

NAMED = 3  # the apps a reason names; more are counted


def problematic_apps(account, threshold: int, today: date) -> dict[int, str]:
    flagged = ClientApp.objects.for_account(account).filter(problematic=True)
    counts = dict(
        flagged.values("client_id")
        .annotate(n=Count("id"))
        .filter(n__gte=max(threshold, 1))
        .values_list("client_id", "n")
    )
    if not counts:
        return {}
    names: dict[int, list[str]] = defaultdict(list)
    # Every flagged app of the account (few: a flag is a problem someone noted), kept for the
    # clients counted; no list of ids, which SQLite would cap.
    for client_id, name in flagged.order_by("client_id", "application__name").values_list(
        "client_id", "application__name"
    ):
        if client_id in counts:
            names[client_id].append(name)
    found = {}
    for client_id, n in counts.items():
        shown = ", ".join(names[client_id][:NAMED])
        more = n - min(n, NAMED)
        text = ngettext(
            "%(n)d problematic application: %(names)s",
            "%(n)d problematic applications: %(names)s",
            n,
        ) % {"n": n, "names": shown}
        found[client_id] = text + (_(" and %(more)d more") % {"more": more} if more else "")
    return found
