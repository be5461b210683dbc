"""schemathesis over the whole OpenAPI document, against a live server (issue 17).

Every operation in /api/v1/openapi.json is fuzzed with all of schemathesis's checks and its
stateful phase (the document's links: a create, then the read, update, sub-resources and
delete of what it made), so a route joins by being in the document. It runs on whichever
database the suite runs on (`make test`: SQLite, then PostgreSQL). The seed is fixed and
the example count small, so a run is repeatable and takes well under a minute.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clientdesk.clients.services import client_set_tags
from clientdesk.contacts.services import contact_create
from clientdesk.integrations.services import api_token_create
from tests.clients.factories import make_client

pytestmark = pytest.mark.django_db(transaction=True)

HERE = Path(__file__).parent
SEED = 17
EXAMPLES = 10
HARD_LIMIT = 240  # seconds: a run that long is a failure in itself


def demo_data(cast) -> None:
    """A few clients with contacts, a parent, tags and a manager: data for every route."""
    parent = make_client(cast, prefix="FZP", name="Fuzz parent", manager=cast.manager.user)
    for i in range(3):
        client = make_client(cast, prefix=f"FZ{i}", name=f"Fuzz {i}", parent=parent)
        client_set_tags(client=client, actor=None, names=["fuzz"])
        contact_create(client=client, actor=None, first_name="Ann", email=f"ann{i}@fz.example")
        contact_create(client=client, actor=None, first_name="Bo", last_name=f"No mail {i}")


def test_schemathesis_with_all_checks_finds_nothing(live_server, cast, tmp_path):
    demo_data(cast)
    _token, raw = api_token_create(membership=cast.owner, name="Fuzz", actor=cast.owner.user)
    report = tmp_path / "report.json"
    started = time.monotonic()
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("st")),
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {raw}",
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            str(SEED),
            "--generation-deterministic",
            "--workers",
            "2",
            "--no-color",
            "--report",
            "json",
            "--report-json-path",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=HARD_LIMIT,
        cwd=HERE,  # the .toml names its hooks file relative to here
    )
    seconds = time.monotonic() - started
    tail = run.stdout[run.stdout.rfind("SUMMARY") - 200 :] if "SUMMARY" in run.stdout else ""
    print(f"schemathesis: {seconds:.0f} s\n{tail}")
    assert run.returncode == 0, run.stdout[-30000:] + run.stderr[-3000:]
    assert json.loads(report.read_text()), "no report written"
