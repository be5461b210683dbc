"""The jobs report as rows of a spreadsheet: one row per line of each breakdown, then the
totals, with the figures the page shows (CSV and XLSX through transfer.exports, which makes
formula-like text inert)."""

from typing import Any

from django.utils.translation import gettext as _

from clientdesk.tickets.report import Figures, Report


def header() -> list[str]:
    return [
        _("Breakdown"),
        _("Value"),
        _("Email"),
        _("Tickets"),
        _("Open"),
        _("Breached"),
        _("Average first response (minutes)"),
        _("Average resolution (minutes)"),
        _("Time logged (minutes)"),
    ]


def _row(breakdown: str, f: Figures) -> list[Any]:
    return [
        breakdown,
        f.label,
        f.email,
        f.count,
        f.open,
        f.breached,
        f.avg_response_minutes,
        f.avg_resolution_minutes,
        f.minutes_logged,
    ]


def rows(report: Report) -> list[list[Any]]:
    """Made now, in the request's language (a streamed response is read later)."""
    names = {"status": _("Status"), "priority": _("Priority"), "kind": _("Kind")}
    names["assignee"] = _("Assignee")
    out = [_row(names[key], line) for key, _title, lines in report.breakdowns() for line in lines]
    out.append(_row(_("Total"), report.totals))
    return out
