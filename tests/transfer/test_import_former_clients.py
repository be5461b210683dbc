"""Former and troubled clients come in with their status: an import may create a client at
risk, off-boarding or inactive, with the day that status began (*Status since*) and the day
service started (*Client since*), so that its history and the derived tables of DESIGN §3
read true from the first day. The client form cannot."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from clientdesk.clients import derived
from clientdesk.clients.models import (
    Client,
    ServicePeriod,
    StatusChange,
    StatusDayDelta,
    StatusInterval,
)
from clientdesk.clients.services import client_create
from clientdesk.transfer.models import ImportJob
from clientdesk.transfer.queries import import_errors
from clientdesk.transfer.services import import_file

HEADER = "Prefix,Name,Status,Status since,Client since\r\n"
D = dt.date


def _run(cast, tmp_path, rows: str, *, membership=None) -> ImportJob:
    path = tmp_path / "former.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return import_file(
        account=cast.account,
        membership=membership or cast.manager,
        kind="clients",
        path=str(path),
        mode="upsert",
    )


def _errors(job: ImportJob) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for e in import_errors(job):
        found.setdefault(e.row, []).append((e.field, e.message))
    return found


def _history(prefix: str) -> list[tuple]:
    return [
        (c.from_status, c.to_status, c.at.astimezone(ZoneInfo("UTC")).date())
        for c in StatusChange.objects.filter(client__prefix=prefix).order_by("at", "id")
    ]


def test_a_former_client_arrives_inactive_with_its_history_and_derived_tables(cast, tmp_path):
    job = _run(cast, tmp_path, "GONE,Gone Ltd,Inactive,15/06/2024,01/09/2021\r\n")

    assert job.counts["created"] == 1, _errors(job)
    gone = Client.objects.get(prefix="GONE")
    assert gone.status == "inactive"
    assert gone.status_changed_at.date() == D(2024, 6, 15)
    assert gone.activated_at.date() == D(2021, 9, 1)
    # Active from its first day, inactive from the day it left.
    assert _history("GONE") == [
        (None, "active", D(2021, 9, 1)),
        ("active", "inactive", D(2024, 6, 15)),
    ]
    assert set(
        StatusInterval.objects.filter(client=gone).values_list("status", "valid_from", "valid_to")
    ) == {("active", D(2021, 9, 1), D(2024, 6, 15)), ("inactive", D(2024, 6, 15), None)}
    # In service from 1 September 2021 to its last day, 14 June 2024.
    assert list(
        ServicePeriod.objects.filter(client=gone).values_list(
            "start_day", "end_day", "first_day", "next_start_day"
        )
    ) == [(D(2021, 9, 1), D(2024, 6, 14), D(2021, 9, 1), None)]
    assert set(
        StatusDayDelta.objects.filter(account=cast.account)
        .exclude(delta=0)
        .values_list("day", "status", "delta")
    ) == {
        (D(2021, 9, 1), "active", 1),
        (D(2024, 6, 15), "active", -1),
        (D(2024, 6, 15), "inactive", 1),
    }
    assert derived.differences(cast.account) == {"deltas": 0, "intervals": 0, "periods": 0}


def test_at_risk_and_off_boarding_clients_come_in_with_their_days(cast, tmp_path):
    job = _run(
        cast,
        tmp_path,
        "RISK,Wobbly,At risk,2024-05-02,2020-01-10\r\n"
        "LEAVING,Leaving,Offboarding,2024-07-01,\r\n"
        "OLD,Lost lead,inactive,2023-03-03,\r\n",
    )
    assert job.counts["created"] == 3, _errors(job)
    assert _history("RISK") == [
        (None, "active", D(2020, 1, 10)),
        ("active", "at_risk", D(2024, 5, 2)),
    ]
    assert list(
        ServicePeriod.objects.filter(client__prefix="RISK").values_list("start_day", "end_day")
    ) == [(D(2020, 1, 10), None)]  # still in service
    # Without a Client since, the status's own day is its first.
    assert _history("LEAVING") == [(None, "offboarding", D(2024, 7, 1))]
    assert list(
        ServicePeriod.objects.filter(client__prefix="LEAVING").values_list("start_day", "end_day")
    ) == [(D(2024, 7, 1), None)]
    # Inactive with no service day: a lost lead, never in service.
    assert _history("OLD") == [(None, "inactive", D(2023, 3, 3))]
    assert not ServicePeriod.objects.filter(client__prefix="OLD").exists()
    assert derived.differences(cast.account) == {"deltas": 0, "intervals": 0, "periods": 0}


def test_the_evolution_counts_former_clients_on_the_right_days(cast, tmp_path):
    job = _run(
        cast,
        tmp_path,
        "AA,A,Inactive,2024-03-01,2024-01-01\r\n"
        "BB,B,Inactive,2024-02-01,2023-06-01\r\n"
        "CC,C,Active,2024-01-15,\r\n",
    )
    assert job.counts["created"] == 3, _errors(job)
    deltas = StatusDayDelta.objects.filter(account=cast.account)

    def count(status: str, day: dt.date) -> int:
        return sum(d.delta for d in deltas if d.status == status and d.day <= day)

    assert count("active", D(2023, 12, 31)) == 1  # BB
    assert count("active", D(2024, 1, 20)) == 3  # A, B and C
    assert count("active", D(2024, 2, 1)) == 2 and count("inactive", D(2024, 2, 1)) == 1
    assert count("active", D(2024, 3, 1)) == 1 and count("inactive", D(2024, 3, 1)) == 2
    # Churned in 2024: the clients whose service ended inside the year.
    ended = ServicePeriod.objects.filter(
        account=cast.account, end_day__gte=D(2024, 1, 1), end_day__lte=D(2024, 12, 31)
    )
    assert sorted(p.client.prefix for p in ended) == ["AA", "BB"]


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("XX,X,Inactive,,2020-01-01", "Status since", "Give the day the client became Inactive"),
        ("XX,X,At risk,2024-01-01,2024-02-01", "Client since", "must be before Status since"),
        ("XX,X,Lead,2024-01-01,2020-01-01", "Client since", "has not started service yet"),
        ("XX,X,Active,2024-01-01,2020-01-01", "Client since", "Client since is its Status since"),
        ("XX,X,Inactive,2024-01-01,2999-01-01", "Client since", "cannot be in the future"),
        ("XX,X,Inactive,2024-01-01,31/02/2020", "Client since", "is not a date"),
    ],
)
def test_impossible_histories_are_rejected_with_their_reason(cast, tmp_path, row, field, words):
    job = _run(cast, tmp_path, row + "\r\n")
    assert job.counts["rejected"] == 1
    assert any(f == field and words in m for f, m in _errors(job)[2])


def test_an_active_client_may_give_its_start_as_client_since(cast, tmp_path):
    job = _run(cast, tmp_path, "ACT,Active,Active,,2022-02-02\r\n")
    assert job.counts["created"] == 1, _errors(job)
    assert _history("ACT") == [(None, "active", D(2022, 2, 2))]


def test_client_since_of_an_existing_client_is_left_alone(cast, tmp_path):
    _run(cast, tmp_path, "GONE,Gone,Inactive,2024-06-15,2021-09-01\r\n")
    again = _run(cast, tmp_path, "GONE,Gone,Inactive,2024-06-15,2019-01-01\r\n")
    assert again.counts["unchanged"] == 1
    assert len(_history("GONE")) == 2


def test_the_client_form_still_cannot_create_a_former_client(cast):
    with pytest.raises(ValidationError):
        client_create(
            account=cast.account,
            actor=cast.manager,
            prefix="FORM",
            name="Form",
            status="inactive",
        )


def test_the_insights_numbers_count_imported_former_clients_right(cast, tmp_path):
    from clientdesk.insights import queries as metrics

    job = _run(
        cast,
        tmp_path,
        "GONE,Gone Ltd,Inactive,15/06/2024,01/09/2021\r\n"
        "SHKY,Shaky Ltd,At risk,01/03/2024,10/01/2023\r\n",
    )
    assert job.counts["created"] == 2, _errors(job)
    first_half = metrics.summary(cast.owner, D(2024, 1, 1), D(2024, 6, 30))
    # Both in service in the range, neither new (both began before it), one churned in it.
    assert (first_half.total, first_half.new, first_half.churned) == (2, 0, 1)
    assert metrics.summary(cast.owner, D(2021, 9, 1), D(2021, 12, 31)).new == 1
    assert metrics.summary(cast.owner, D(2024, 7, 1), D(2024, 7, 31)).total == 1
    days = dict(metrics.evolution(cast.owner, D(2024, 6, 14), D(2024, 6, 15)).days)
    assert days[D(2024, 6, 14)]["active"] == 1 and days[D(2024, 6, 14)]["at_risk"] == 1
    assert days[D(2024, 6, 15)]["inactive"] == 1 and days[D(2024, 6, 15)]["active"] == 0
