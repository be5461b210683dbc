"""The Clients list's columns the off-boarding adds (issue 15), ready for the list's column
registry (`core.registry.ClientColumn`, built on another branch; apps.py's registration is
commented out until both are merged):

- Off-boarding tab: `offboarding_date` (flagged when overdue), `offboarding_progress` (a bar,
  done / total) and `offboarding_reason`;
- Inactive tab: `left_on` (the day of its last move to inactive) and `left_why` (the completed
  off-boarding's reason, else the reason kept in the status history; with *Win back* for those
  who may change statuses).

Each `values(membership, clients)` reads a whole page of clients in one query. A `sort` is an
expression on the clients' queryset, never NULL (clients without a run sort last).
"""

from datetime import date

from django.db.models import F, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.clients.models import Client
from clientdesk.core.models import Membership
from clientdesk.core.registry import page_shared
from clientdesk.offboarding import queries
from clientdesk.offboarding.models import Offboarding, State

FAR = date(9999, 12, 31)


def _open_runs():
    """The outer client's open run, as a correlated subquery of a clients queryset: scoped by
    that outer row (its account and id), which was itself read in a scope."""
    return Offboarding.objects.of_outer_client().filter(state=State.OPEN)


def run_values(membership: Membership, clients: list[Client]) -> dict[int, dict]:
    """Each client's latest run and whether it is overdue: what the date, progress and reason
    cells show, read once for a page whichever of the three columns ask."""

    def read() -> dict[int, dict]:
        today = queries.today_for(membership.account)
        return {
            pk: {"run": run, "overdue": queries.is_overdue(run, today)}
            for pk, run in queries.latest_by_client(membership, clients).items()
        }

    return page_shared(membership, "offboarding_runs", clients, read)


def date_sort():
    """The open run's date (a client without one last)."""
    return Coalesce(Subquery(_open_runs().values("on")[:1]), Value(FAR))


def progress_sort():
    """Done per thousand of the open run's items (a client without one last)."""
    share = _open_runs().annotate(share=F("done_count") * 1000 / F("total_count"))
    return Coalesce(Subquery(share.filter(total_count__gt=0).values("share")[:1]), Value(1001))


def reason_sort():
    return Coalesce(Subquery(_open_runs().values("reason")[:1]), Value("~"))


def left_values(membership: Membership, clients: list[Client]) -> dict[int, dict]:
    """When and why each inactive client of the page left: its last move to inactive, and the
    reason of the off-boarding that ended it (else the one kept in the history)."""
    changes = queries.left_by_client(membership, clients)
    gone = [c for c in clients if c.pk in changes]
    runs = queries.latest_by_client(membership, gone)
    values = {}
    for pk, change in changes.items():
        run = runs.get(pk)
        completed = run is not None and run.state == State.COMPLETED
        values[pk] = {
            "at": change.at,
            "reason": run.get_reason_display() if completed else change.reason,
            "note": run.note if completed else "",
        }
    return values


def left_sort():
    # The last status change of an inactive client is its move to inactive.
    return F("status_changed_at")


def _column(**fields):
    from clientdesk.core import registry

    return registry.ClientColumn(**fields)  # type: ignore[attr-defined]


def _run_of(value):
    return (value or {}).get("run")


def export_date(value) -> str:
    run = _run_of(value)
    return run.on.isoformat() if run else ""


def export_progress(value) -> str:
    run = _run_of(value)
    return f"{run.done_count}/{run.total_count}" if run else ""


def export_reason(value) -> str:
    run = _run_of(value)
    return str(run.get_reason_display()) if run else ""


def export_left_on(value) -> str:
    # The day in the zone the export runs in (the account's, as the page shows it).
    return timezone.localdate(value["at"]).isoformat() if value and value.get("at") else ""


def export_left_why(value) -> str:
    return str(value.get("reason") or "") if value else ""


def client_columns() -> list:
    """The columns as `core.registry.ClientColumn`s, for apps.py once the registry exists."""
    return [
        _column(
            key="offboarding_date",
            export=export_date,
            label=_("Off-boarding date"),
            template="offboarding/col_date.html",
            values=run_values,
            order=60,
            numeric=True,
            sort=date_sort,
            tabs=("offboarding",),
        ),
        _column(
            key="offboarding_progress",
            export=export_progress,
            label=_("Progress"),
            template="offboarding/col_progress.html",
            values=run_values,
            order=61,
            sort=progress_sort,
            tabs=("offboarding",),
        ),
        _column(
            key="offboarding_reason",
            export=export_reason,
            label=_("Reason"),
            template="offboarding/col_reason.html",
            values=run_values,
            order=62,
            sort=reason_sort,
            tabs=("offboarding",),
        ),
        _column(
            key="left_on",
            export=export_left_on,
            label=_("Left on"),
            template="offboarding/col_left_on.html",
            values=left_values,
            order=63,
            numeric=True,
            sort=left_sort,
            tabs=("inactive",),
        ),
        _column(
            key="left_why",
            export=export_left_why,
            label=_("Why"),
            template="offboarding/col_left_why.html",
            values=left_values,
            order=64,
            tabs=("inactive",),
        ),
    ]
