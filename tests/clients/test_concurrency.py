"""Many requests at once, over real HTTP against `live_server`, on one account and one day.

The Django test client runs a request in the test's own thread; only a live server answers
several at once, each in its own thread with its own database connection, as in production.
"""

import json
import random
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command

from clientdesk.clients.models import Client, Status
from clientdesk.clients.services import client_change_status
from clientdesk.clients.status import INITIAL
from clientdesk.integrations.services import api_token_create
from tests.clients.factories import make_client

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 12
PER_KIND = 32  # creates, active → at risk, at risk → active: 96 requests at once


class Http:
    """JSON over HTTP to the live server, as one API token."""

    def __init__(self, live_server, membership):
        _token, raw = api_token_create(membership=membership, name="Race", actor=membership.user)
        self.base = f"{live_server.url}/api/v1"
        self.headers = {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"}

    def __call__(self, method: str, path: str, body: dict) -> tuple[int, dict | str]:
        request = urllib.request.Request(  # noqa: S310 - the live server's http URL
            self.base + path, data=json.dumps(body).encode(), headers=self.headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            text = exc.read().decode(errors="replace")
            try:
                return exc.code, json.loads(text)
            except ValueError:
                return exc.code, text[:200]


def at_once(calls: list[tuple]) -> list[tuple[int, dict | str]]:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda call: call[0](*call[1:]), calls))


def test_creates_and_status_changes_at_once_on_one_day_all_succeed_and_keep_the_tables(
    live_server, cast
):
    manager = cast.manager
    api = Http(live_server, manager)
    going = [make_client(cast, prefix=f"GO{i}") for i in range(PER_KIND)]
    coming = [
        client_change_status(
            client=make_client(cast, prefix=f"CO{i}"),
            actor=manager,
            to_status=Status.AT_RISK,
        )
        for i in range(PER_KIND)
    ]
    news = [(f"NEW{i}", INITIAL[i % len(INITIAL)]) for i in range(PER_KIND)]
    # The first creates of a status add its first day-delta row of the day, all at once.
    creates = [(api, "POST", "/clients", {"prefix": p, "name": p, "status": s}) for p, s in news]
    # Opposite changes add to the same two rows in opposite orders.
    changes = [(api, "POST", f"/clients/{c.pk}/status", {"status": "at_risk"}) for c in going] + [
        (api, "POST", f"/clients/{c.pk}/status", {"status": "active"}) for c in coming
    ]
    random.Random(7).shuffle(changes)

    answers = at_once(creates) + at_once(changes)

    calls = creates + changes
    expected = [201] * len(creates) + [200] * len(changes)
    wrong = [(c[1:], a) for c, a, e in zip(calls, answers, expected, strict=True) if a[0] != e]
    assert not wrong, f"{len(wrong)} of {len(calls)} wrong: {Counter(a[0] for _c, a in wrong)}"
    for call, (_code, body) in zip(calls, answers, strict=True):
        assert body["status"] == call[3]["status"]
    counts = Counter(Client.objects.filter(account=cast.account).values_list("status", flat=True))
    assert counts == Counter(s for _p, s in news) + Counter(active=PER_KIND, at_risk=PER_KIND)
    call_command("rebuildstatus", "--check", "--account", "acme")


def test_parallel_edits_of_one_version_have_exactly_one_winner(live_server, cast):
    api = Http(live_server, cast.manager)
    client = make_client(cast, prefix="RACE")
    names = [f"Name {i}" for i in range(WORKERS)]

    answers = at_once(
        [(api, "PATCH", f"/clients/{client.pk}", {"version": 1, "name": n}) for n in names]
    )

    codes = Counter(code for code, _body in answers)
    assert codes == {200: 1, 409: WORKERS - 1}, answers
    [winner] = [body for code, body in answers if code == 200]
    client.refresh_from_db()
    assert (client.version, client.name) == (2, winner["name"])
    assert all(body["current"]["version"] == 2 for code, body in answers if code == 409)
