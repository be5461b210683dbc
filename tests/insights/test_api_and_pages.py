"""The metrics API of DESIGN §7 and the Insights pages: the same numbers as an independent
recomputation from the API's own history, for the token's member alone."""

import csv
import io
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient

from clientdesk.clients.models import Client
from clientdesk.core.services import membership_set_client_access
from clientdesk.insights.metrics import local_today
from tests.api.test_clients_api import Api
from tests.insights import oracle


def history_from_api(api) -> dict[int, list[tuple[date, str]]]:
    """Every client the token sees (not archived), its history read through the API and put
    on the account's calendar days."""
    zone = ZoneInfo(api.get("/api/v1/account").json()["time_zone"])
    ids, cursor = [], None
    while True:
        page = api.get("/api/v1/clients", **({"cursor": cursor} if cursor else {})).json()
        ids += [c["id"] for c in page["items"]]
        if not (cursor := page["next"]):
            break
    out = {}
    for pk in ids:
        rows = api.get(f"/api/v1/clients/{pk}/history").json()["items"]
        out[pk] = [
            (datetime.fromisoformat(r["at"]).astimezone(zone).date(), r["to_status"]) for r in rows
        ]
    return out


@pytest.fixture
def generated(cast):
    cast.account.time_zone = "America/Sao_Paulo"
    cast.account.save(update_fields=["time_zone"])
    oracle.generate(cast.account, clients=40, seed=5)
    return cast


def test_the_api_agrees_with_a_recomputation_from_the_apis_history(generated):
    cast = generated
    api = Api(cast.viewer)
    history = history_from_api(api)
    assert history == oracle.status_days(cast.account)
    today = local_today(cast.account)
    rng = random.Random(1)
    for start, end in [(today - timedelta(days=364), today), (today - timedelta(days=89), today)]:
        q = {"start": start.isoformat(), "end": end.isoformat()}
        got = api.get("/api/v1/metrics/summary", **q).json()
        assert got == {**q, **oracle.summary(history, start, end)}
        evo = api.get("/api/v1/metrics/evolution", **q).json()
        assert [(d["date"], d["counts"]) for d in evo["days"]] == [
            (d.isoformat(), counts) for d, counts in oracle.evolution(history, start, end)
        ]
        for _ in range(4):
            day = start + timedelta(days=rng.randint(0, (end - start).days))
            status = rng.choice(["active", "inactive", "lead", "at_risk"])
            expected = oracle.drill_down(history, status, day)
            seen, cursor = [], None
            while True:
                params = {"date": day.isoformat(), "status": status, "limit": 5}
                body = api.get(
                    "/api/v1/metrics/clients", **params, **({"cursor": cursor} if cursor else {})
                ).json()
                assert body["count"] == len(expected)
                seen += [c["id"] for c in body["items"]]
                if not (cursor := body["next"]):
                    break
            assert sorted(seen) == sorted(expected)


def test_the_api_defaults_to_the_last_30_days_and_names_bad_fields(generated):
    api = Api(generated.viewer)
    today = local_today(generated.account)
    body = api.get("/api/v1/metrics/summary").json()
    assert (body["start"], body["end"]) == (
        (today - timedelta(days=29)).isoformat(),
        today.isoformat(),
    )
    assert len(api.get("/api/v1/metrics/evolution").json()["days"]) == 30
    for params, field in [
        ({"start": "2026-02-30"}, "start"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "end"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "end"),
        ({"end": "yesterday"}, "end"),
    ]:
        answer = api.get("/api/v1/metrics/summary", **params)
        assert answer.status_code == 422, params
        assert field in answer.json()["errors"], answer.json()
    answer = api.get("/api/v1/metrics/clients", date="2026-01-01", status="gone")
    assert answer.status_code == 422 and "status" in answer.json()["errors"]
    assert api.get("/api/v1/metrics/clients", status="active").status_code == 422
    answer = api.get("/api/v1/metrics/clients", date="2026-01-01", status="active", cursor="x")
    assert answer.status_code == 400


def test_a_limited_member_reads_the_numbers_of_their_clients_alone(generated):
    cast = generated
    live = list(Client.objects.filter(account=cast.account, deleted_at=None).order_by("pk"))
    membership_set_client_access(
        actor=cast.owner, membership=cast.technician, access="allow", clients=live[:6]
    )
    api = Api(cast.technician)
    history = history_from_api(api)
    assert 0 < len(history) <= 6
    today = local_today(cast.account)
    start = today - timedelta(days=364)
    q = {"start": start.isoformat(), "end": today.isoformat()}
    assert api.get("/api/v1/metrics/summary", **q).json() == {
        **q,
        **oracle.summary(history, start, today),
    }
    day = today - timedelta(days=3)
    body = api.get("/api/v1/metrics/clients", date=day.isoformat(), status="active").json()
    assert {c["id"] for c in body["items"]} == oracle.drill_down(history, "active", day)


def signed_in(membership) -> HttpClient:
    http = HttpClient()
    http.force_login(membership.user)
    return http


def test_the_page_shows_the_numbers_of_the_api(generated):
    cast = generated
    http = signed_in(cast.technician)
    url = "/a/acme/insights/"
    page = http.get(url, {"range": "90d"})
    assert page.status_code == 200
    html = page.content.decode()
    summary = (
        Api(cast.technician)
        .get("/api/v1/metrics/summary", start=page.context["chosen"].start.isoformat())
        .json()
    )
    cards = {c["key"]: c["value"] for c in page.context["cards"]}
    assert cards == {
        "total": summary["total"],
        "new": summary["new"],
        "recurrent": summary["recurrent"],
        "churned": summary["churned"],
        "permanence": summary["average_permanence_days"],
    }
    assert "Total clients" in html and "Insights" in html
    assert "{# status tables" not in html  # the lead's spot is a comment
    # the range's presets and a custom range land in the URL's form
    page = http.get(url, {"range": "custom", "start": "2026-01-01", "end": "2025-12-01"})
    assert page.status_code == 200 and "comes before the first" in page.content.decode()


def test_the_day_panel_view_details_and_the_csv(generated):
    cast = generated
    http = signed_in(cast.viewer)
    today = local_today(cast.account)
    day = today - timedelta(days=10)
    history = oracle.status_days(cast.account)
    page = http.get("/a/acme/insights/", {"range": "30d", "day": day.isoformat()})
    numbers = {r["status"]: r["count"] for r in page.context["day_numbers"]}
    [(_, expected)] = oracle.evolution(history, day, day)
    assert numbers == expected
    panel = http.get("/a/acme/insights/day/", {"day": day.isoformat(), "range": "30d"})
    assert f"date={day.isoformat()}&amp;status=active" in panel.content.decode()
    listing = http.get("/a/acme/insights/details/", {"date": day.isoformat(), "status": "active"})
    assert listing.status_code == 200
    shown = {c.pk for c in listing.context["page"].items}
    assert shown == oracle.drill_down(history, "active", day)
    for pk in shown:
        assert f'href="/a/acme/clients/{pk}/"' in listing.content.decode()
    assert (
        http.get("/a/acme/insights/details/", {"date": "nope", "status": "active"}).status_code
        == 400
    )
    answer = http.get("/a/acme/insights/evolution.csv", {"range": "30d"})
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0][0] == "Day" and len(rows) == 31
    evolution = oracle.evolution(history, today - timedelta(days=29), today)
    assert [[int(n) for n in r[1:]] for r in rows[1:]] == [list(c.values()) for _, c in evolution]


def test_on_the_demo_data_the_page_the_api_and_the_apis_history_agree(db):
    from django.core.management import call_command

    from clientdesk.core.models import Account, Membership

    call_command("demo", stdout=io.StringIO())
    account = Account.objects.get(slug="demo")
    owner = Membership.objects.filter(account=account, role="owner").first()
    api = Api(owner)
    history = history_from_api(api)
    today = local_today(account)
    for days in (30, 90, 365, 540):
        start = today - timedelta(days=days - 1)
        q = {"start": start.isoformat(), "end": today.isoformat()}
        summary = api.get("/api/v1/metrics/summary", **q).json()
        assert summary == {**q, **oracle.summary(history, start, today)}, days
        evo = api.get("/api/v1/metrics/evolution", **q).json()["days"]
        assert [(d["date"], d["counts"]) for d in evo] == [
            (d.isoformat(), c) for d, c in oracle.evolution(history, start, today)
        ]
    assert summary["total"] > 10 and summary["churned"] > 0
    page = signed_in(owner).get("/a/demo/insights/", {"range": "365d"})
    q = {"start": (today - timedelta(days=364)).isoformat(), "end": today.isoformat()}
    summary = api.get("/api/v1/metrics/summary", **q).json()
    cards = {c["key"]: c["value"] for c in page.context["cards"]}
    assert (cards["total"], cards["new"], cards["churned"], cards["permanence"]) == (
        summary["total"],
        summary["new"],
        summary["churned"],
        summary["average_permanence_days"],
    )
