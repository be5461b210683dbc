"""The jobs report: its figures on a small hand-made set, the account's days, the client
limits, the page, its downloads and the API."""

import csv
import io
import zoneinfo
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from django.test import Client as HttpClient

from clientdesk.core.services import membership_set_client_access
from clientdesk.integrations.services import api_token_create
from clientdesk.tickets.models import Ticket
from clientdesk.tickets.report import ReportFilters, jobs_report
from clientdesk.tickets.services import ticket_create
from clientdesk.tickets.sla import settings_of
from tests.clients.factories import make_client
from tests.factories import make_member

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
MARCH = ReportFilters(start=date(2026, 3, 1), end=date(2026, 3, 31))


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A moment of 2026 on the account's clock (Madrid: UTC+1 until 29 March, then UTC+2)."""
    return datetime(2026, month, day, hour, minute, tzinfo=MADRID)


def make_ticket(client, *, created, kind="job", priority="normal", assignee=None, title="",
                response=None, resolution=None, status="new", logged=0,
                response_breached=False, resolution_breached=False) -> Ticket:  # fmt: skip
    """A ticket made by the service, then given the times the report reads (minutes after its
    creation) and no running due time, so that its breach is only what it says."""
    ticket = ticket_create(
        client=client, actor=None, title=title or "Job", kind=kind, priority=priority, now=created
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        assignee=assignee,
        status=status,
        first_response_at=created + timedelta(minutes=response) if response is not None else None,
        resolved_at=created + timedelta(minutes=resolution) if resolution is not None else None,
        minutes_logged=logged,
        response_due_at=None,
        resolution_due_at=None,
        response_breached=response_breached,
        resolution_breached=resolution_breached,
    )
    return ticket


@pytest.fixture
def jobs(cast):
    """Seven tickets of acme in March 2026 (Madrid), four outside it, one of another account."""
    account = cast.account
    account.time_zone = "Europe/Madrid"
    account.save(update_fields=["time_zone"])
    tech, manager = cast.technician.user, cast.manager.user
    tech.name, manager.name = "Tess Tech", "Max Manager"
    tech.save(update_fields=["name"])
    manager.save(update_fields=["name"])
    a = make_client(cast, prefix="ALPHA", name="Alpha Corp")
    sub = make_client(cast, prefix="ALPHA1", name="Alpha Site", parent=a)
    b = make_client(cast, prefix="BRAVO", name="Bravo Ltd")
    make_ticket(a, created=at(2, 9), priority="high", assignee=tech, response=30, resolution=120,
                status="resolved", logged=45)  # fmt: skip
    make_ticket(a, created=at(3, 10), assignee=tech, response=90, status="open", logged=15,
                response_breached=True)  # fmt: skip
    make_ticket(a, created=at(5, 11), kind="request")
    make_ticket(sub, created=at(6, 12), priority="low", assignee=manager, response=60,
                resolution=600, status="closed", logged=30)  # fmt: skip
    make_ticket(b, created=at(7, 8), kind="incident", priority="urgent", assignee=manager,
                response=10, resolution=20, status="resolved", logged=5,
                resolution_breached=True)  # fmt: skip
    # The range's edges on the account's clock, not UTC's:
    make_ticket(a, created=at(31, 23, 30), title="Last minutes of March")  # 21:30 UTC
    make_ticket(a, created=at(1, 0, 30), title="First minutes of March")  # 28 Feb 23:30 UTC
    make_ticket(a, created=at(1, 0, 30, month=4), title="April in Madrid")  # 31 Mar 22:30 UTC
    make_ticket(a, created=at(28, 23, 30, month=2), title="February")  # 28 Feb 22:30 UTC
    other = make_client(cast.other_account, prefix="OTHER", name="Globex client")
    make_ticket(other, created=at(10, 10), logged=999)
    return {"a": a, "sub": sub, "b": b, "tech": tech, "manager": manager}


def rows(lines) -> dict:
    return {f.key: f for f in lines}


def test_it_counts_and_times_the_tickets_of_the_range_by_status(cast, jobs):
    report = jobs_report(cast.owner, MARCH)
    t = report.totals
    assert (t.count, t.open, t.breached, t.minutes_logged) == (7, 4, 2, 95)
    assert t.avg_response_minutes == 47.5  # (30 + 90 + 60 + 10) / 4 answered
    assert t.avg_resolution_minutes == 246.7  # (120 + 600 + 20) / 3 resolved
    status = rows(report.by_status)
    assert list(status) == ["new", "open", "in_progress", "waiting", "resolved", "closed"]
    assert {k: f.count for k, f in status.items()} == {
        "new": 3, "open": 1, "in_progress": 0, "waiting": 0, "resolved": 2, "closed": 1
    }  # fmt: skip
    assert status["resolved"].avg_resolution_minutes == 70.0  # (120 + 20) / 2
    assert status["resolved"].breached == 1
    assert status["new"].avg_response_minutes is None
    assert status["new"].avg_response_text == "—"


def test_it_breaks_down_by_priority_kind_and_assignee_by_name(cast, jobs):
    report = jobs_report(cast.owner, MARCH)
    assert {k: f.count for k, f in rows(report.by_priority).items()} == {
        "low": 1, "normal": 4, "high": 1, "urgent": 1
    }  # fmt: skip
    kinds = rows(report.by_kind)
    assert {k: f.count for k, f in kinds.items()} == {"request": 1, "incident": 1, "job": 5}
    assert kinds["job"].minutes_logged == 90
    people = report.by_assignee
    assert [(f.label, f.email, f.count) for f in people] == [
        ("Max Manager", jobs["manager"].email, 2),
        ("Tess Tech", jobs["tech"].email, 2),
        ("Unassigned", "", 3),
    ]
    tess = people[1]
    assert (tess.open, tess.breached, tess.minutes_logged) == (1, 1, 60)
    assert tess.avg_response_minutes == 60.0 and tess.avg_resolution_minutes == 120.0
    assert tess.avg_response_text == "1 h 0 min"


def test_the_range_is_the_account_s_calendar_days_both_included(cast, jobs):
    titles = set(Ticket.objects.filter(title__endswith="March").values_list("title", flat=True)) | {
        "April in Madrid",
        "February",
    }
    assert len(titles) == 4
    assert jobs_report(cast.owner, MARCH).totals.count == 7
    last_day = ReportFilters(start=date(2026, 3, 31), end=date(2026, 3, 31))
    assert jobs_report(cast.owner, last_day).totals.count == 1  # not April's first half hour
    first_day = ReportFilters(start=date(2026, 3, 1), end=date(2026, 3, 1))
    assert jobs_report(cast.owner, first_day).totals.count == 1  # though UTC says 28 February
    april = ReportFilters(start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert jobs_report(cast.owner, april).totals.count == 1


def test_a_client_alone_or_with_its_sub_clients_and_a_kind(cast, jobs):
    alone = ReportFilters(start=MARCH.start, end=MARCH.end, client=jobs["a"])
    assert jobs_report(cast.owner, alone).totals.count == 5
    alone.with_subclients = True
    assert jobs_report(cast.owner, alone).totals.count == 6
    only_jobs = ReportFilters(start=MARCH.start, end=MARCH.end, kinds=["job"])
    report = jobs_report(cast.owner, only_jobs)
    assert report.totals.count == 5
    assert [f.key for f in report.by_kind] == ["job"]


def test_a_member_limited_to_some_clients_never_counts_the_hidden_ones(cast, jobs):
    limited = make_member(cast.account, "viewer")
    membership_set_client_access(
        actor=cast.owner, membership=limited, access="deny", clients=[jobs["b"]]
    )
    report = jobs_report(limited, MARCH)
    assert (report.totals.count, report.totals.breached, report.totals.minutes_logged) == (6, 1, 90)
    assert rows(report.by_kind)["incident"].count == 0
    manager = report.by_assignee[0]
    assert (manager.label, manager.count) == ("Max Manager", 1)
    allowed = make_member(cast.account, "technician")
    membership_set_client_access(
        actor=cast.owner, membership=allowed, access="allow", clients=[jobs["a"]]
    )
    assert jobs_report(allowed, MARCH).totals.count == 6  # Alpha and its sub-client


def test_the_account_s_names_of_the_statuses_label_the_rows(cast, jobs):
    found = settings_of(cast.account)
    found.status_labels = {"new": "Triage"}
    found.save()
    labels = [f.label for f in jobs_report(cast.owner, MARCH).by_status]
    assert labels[:2] == ["Triage", "Open"]


def test_the_report_is_one_grouped_query_and_two_lookups_whatever_the_tickets(
    cast, jobs, django_assert_max_num_queries
):
    membership = cast.owner
    assert membership.account.time_zone  # a request holds its account already
    with django_assert_max_num_queries(3):  # the groups, the status names, the assignees
        jobs_report(membership, MARCH)


# --- The page ---------------------------------------------------------------------------------


def signed_in(membership) -> HttpClient:
    http = HttpClient()
    http.force_login(membership.user)
    return http


MARCH_QUERY = "start=2026-03-01&end=2026-03-31"


def test_the_page_shows_the_four_tables_with_the_client_filled_in(cast, jobs):
    a = jobs["a"]
    response = signed_in(cast.viewer).get(f"/a/acme/tickets/report/?client={a.pk}&{MARCH_QUERY}")
    assert response.status_code == 200
    html = response.text
    for table in ("report-status", "report-priority", "report-kind", "report-assignee"):
        assert f'id="{table}"' in html
    assert f'<option value="{a.pk}" selected>Alpha Corp (ALPHA)</option>' in html
    assert 'data-total="count">5<' in html
    assert "Tess Tech" in html and "wall-clock" in html
    assert f"client={a.pk}" in html  # the downloads follow the filters


def test_the_page_defaults_to_the_last_30_days_and_says_when_nothing_is_there(cast, jobs):
    html = signed_in(cast.owner).get("/a/acme/tickets/report/").text
    assert 'id="report-empty"' in html and "No tickets in this range." in html
    assert 'id="report-export"' not in html


def test_the_page_refuses_an_end_before_the_start_beside_the_field(cast, jobs):
    html = signed_in(cast.owner).get("/a/acme/tickets/report/?start=2026-03-10&end=2026-03-01").text
    assert "The end date must be on or after the start date." in html
    assert 'id="report-status"' not in html
    far = signed_in(cast.owner).get("/a/acme/tickets/report/?start=2020-01-01&end=2026-03-01")
    assert "Choose a range of at most 1098 days." in far.text


def test_a_client_the_member_cannot_see_is_a_404_on_the_page_and_its_downloads(cast, jobs):
    limited = make_member(cast.account, "viewer")
    membership_set_client_access(
        actor=cast.owner, membership=limited, access="deny", clients=[jobs["b"]]
    )
    http = signed_in(limited)
    b = jobs["b"].pk
    assert http.get(f"/a/acme/tickets/report/?client={b}").status_code == 404
    assert http.get(f"/a/acme/tickets/report/export/?format=csv&client={b}").status_code == 404
    outsider = signed_in(cast.outsider)
    assert outsider.get(f"/a/globex/tickets/report/?client={jobs['a'].pk}").status_code == 404


def test_the_client_page_links_to_its_report_for_every_role(cast, jobs):
    a = jobs["a"]
    html = signed_in(cast.viewer).get(f"/a/acme/clients/{a.pk}/").text
    assert f'href="/a/acme/tickets/report/?client={a.pk}"' in html


def test_many_clients_are_chosen_by_typed_prefix(cast, jobs, monkeypatch):
    from clientdesk.tickets.report_forms import ReportForm

    monkeypatch.setattr(ReportForm, "LIST_LIMIT", 2)
    http = signed_in(cast.owner)
    html = http.get(f"/a/acme/tickets/report/?client={jobs['a'].pk}&{MARCH_QUERY}").text
    assert 'name="prefix"' in html and 'value="ALPHA"' in html and 'data-total="count">5<' in html
    html = http.get(f"/a/acme/tickets/report/?prefix=alpha1&{MARCH_QUERY}").text
    assert 'data-total="count">1<' in html
    html = http.get(f"/a/acme/tickets/report/?prefix=NOPE&{MARCH_QUERY}").text
    assert "No client you can see has the prefix NOPE." in html


# --- Downloads ----------------------------------------------------------------------------------


def test_the_csv_holds_the_page_s_figures_with_formula_text_made_inert(cast, jobs):
    jobs["tech"].name = '=HYPERLINK("http://evil.example")'
    jobs["tech"].save(update_fields=["name"])
    response = signed_in(cast.viewer).get(
        f"/a/acme/tickets/report/export/?format=csv&{MARCH_QUERY}"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="clientdesk-jobs-report-'
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:4] == ["Breakdown", "Value", "Email", "Tickets"]
    by = {(r[0], r[1]): r for r in table[1:]}
    assert by[("Status", "New")][3] == "3"
    assert by[("Total", "All tickets")][3:] == ["7", "4", "2", "47.5", "246.7", "95"]
    assert ("Assignee", '\'=HYPERLINK("http://evil.example")') in by
    assert len(table) == 1 + 6 + 4 + 3 + 3 + 1


def test_the_xlsx_holds_numbers_and_keeps_formula_text_a_string(cast, jobs):
    jobs["tech"].name = "=1+2"
    jobs["tech"].save(update_fields=["name"])
    response = signed_in(cast.owner).get(
        f"/a/acme/tickets/report/export/?format=xlsx&{MARCH_QUERY}"
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    values = list(sheet.values)
    total = next(r for r in values if r[0] == "Total")
    assert total[3:] == (7, 4, 2, 47.5, 246.7, 95)
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=1+2")
    assert cell.data_type == "s"


def test_a_download_with_a_bad_format_or_range_is_a_400(cast, jobs):
    http = signed_in(cast.owner)
    assert http.get("/a/acme/tickets/report/export/?format=pdf").status_code == 400
    bad = http.get("/a/acme/tickets/report/export/?format=csv&start=2026-03-10&end=2026-03-01")
    assert bad.status_code == 400 and "end" in bad.text


# --- The API --------------------------------------------------------------------------------------


def api_for(membership) -> HttpClient:
    _t, raw = api_token_create(membership=membership, name="Report", actor=membership.user)
    return HttpClient(headers={"authorization": f"Bearer {raw}"})


def test_the_api_answers_the_report_as_json(cast, jobs):
    a = jobs["a"]
    response = api_for(cast.viewer).get(
        f"/api/v1/reports/jobs?client={a.pk}&subclients=true&{MARCH_QUERY}"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["start"], body["end"], body["client_id"]) == ("2026-03-01", "2026-03-31", a.pk)
    assert body["subclients"] is True and body["kinds"] == []
    assert body["totals"] == {
        "count": 6,
        "open": 4,
        "breached": 1,
        "avg_response_minutes": 60.0,  # (30 + 90 + 60) / 3
        "avg_resolution_minutes": 360.0,  # (120 + 600) / 2
        "minutes_logged": 90,
    }
    assert [s["key"] for s in body["by_status"]][:2] == ["new", "open"]
    assert set(body["by_status"][0]) == {
        "key", "label", "count", "open", "breached", "avg_response_minutes",
        "avg_resolution_minutes", "minutes_logged",
    }  # fmt: skip
    assert [(p["name"], p["email"], p["count"]) for p in body["by_assignee"]] == [
        ("Max Manager", jobs["manager"].email, 1),
        ("Tess Tech", jobs["tech"].email, 2),
        ("", None, 3),
    ]
    only = api_for(cast.owner).get(f"/api/v1/reports/jobs?kind=request,incident&{MARCH_QUERY}")
    assert only.json()["totals"]["count"] == 2
    assert [k["key"] for k in only.json()["by_kind"]] == ["request", "incident"]


def test_the_api_defaults_to_the_last_30_days(cast, jobs):
    body = api_for(cast.owner).get("/api/v1/reports/jobs").json()
    end = date.fromisoformat(body["end"])
    assert (end - date.fromisoformat(body["start"])).days == 29
    assert body["client_id"] is None and body["totals"]["count"] == 0


def test_the_api_answers_404_for_a_client_out_of_sight_and_422_for_bad_dates(cast, jobs):
    limited = make_member(cast.account, "technician")
    membership_set_client_access(
        actor=cast.owner, membership=limited, access="allow", clients=[jobs["a"]]
    )
    api = api_for(limited)
    assert api.get(f"/api/v1/reports/jobs?client={jobs['b'].pk}").status_code == 404
    assert (
        api_for(cast.outsider).get(f"/api/v1/reports/jobs?client={jobs['a'].pk}").status_code == 404
    )
    backwards = api.get("/api/v1/reports/jobs?start=2026-03-10&end=2026-03-01")
    assert backwards.status_code == 422
    assert "end" in backwards.json()["errors"]
    assert api.get("/api/v1/reports/jobs?start=2020-01-01&end=2026-01-01").status_code == 422
    assert api.get("/api/v1/reports/jobs?start=yesterday").status_code == 422
    no_such_day = api.get("/api/v1/reports/jobs?start=2026-02-30")
    assert no_such_day.status_code == 422
    assert no_such_day.json()["errors"] == {"start": ["Enter a day as YYYY-MM-DD."]}
    for far in ("end=0001-01-02", "start=9999-12-31&end=9999-12-31", "start=0001-01-01"):
        answer = api.get(f"/api/v1/reports/jobs?{far}")
        assert answer.status_code == 422, far
        assert "Choose a day from 1900-01-01 to 2999-12-31." in str(answer.json()["errors"])
    assert api.get("/api/v1/reports/jobs?kind=bug").status_code == 422
    assert HttpClient().get("/api/v1/reports/jobs").status_code == 401
