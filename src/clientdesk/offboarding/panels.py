"""What the off-boarding workflow shows on the client page (core.registry.client_panels): the
header's actions (Start off-boarding, the checklist, Win back) and the Overview's card (the
open run's progress and flag, or when and why the client left)."""

from clientdesk.clients.models import Status
from clientdesk.offboarding import queries
from clientdesk.offboarding.forms import StartForm, WinBackForm
from clientdesk.offboarding.services import STARTS_FROM


def facts(request, client) -> dict:
    """The client's off-boarding as its page shows it, read once per request."""
    cache = request.__dict__.setdefault("_offboarding", {})
    if client.pk not in cache:
        run = queries.latest_of(client=client)
        today = queries.today_for(request.account)
        cache[client.pk] = {
            "offboarding_run": run,
            "offboarding_overdue": run is not None and queries.is_overdue(run, today),
            "offboarding_may_start": client.status in STARTS_FROM
            and not (run is not None and run.is_open),
            # An import brought it in as `offboarding` without a run: offer the checklist.
            "offboarding_unrun": client.status == Status.OFFBOARDING
            and not (run is not None and run.is_open),
            "offboarding_inactive": client.status == Status.INACTIVE,
        }
    return cache[client.pk]


def actions(request, client) -> dict:
    found = facts(request, client)
    context = dict(found)
    if found["offboarding_may_start"] or found["offboarding_unrun"]:
        context["offboarding_start_form"] = StartForm()
    if found["offboarding_inactive"]:
        context["win_back_form"] = WinBackForm()
        # The Inactive tab's *Win back* links here with ?win_back=1: the dialog opens.
        context["win_back_open"] = request.GET.get("win_back") == "1"
    return context


def overview(request, client) -> dict:
    context = dict(facts(request, client))
    if client.status == Status.INACTIVE:
        from clientdesk.offboarding.columns import left_values

        context["offboarding_left"] = left_values(request.membership, [client]).get(client.pk)
    return context
