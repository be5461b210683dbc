"""A Python client generated from /api/v1/openapi.json with openapi-python-client walks an
integrator's journey against a live server, using nothing but the generated code (issue 17).
"""

import importlib
import subprocess
import sys
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

import pytest

from clientdesk.integrations.services import api_token_create
from tests.clients.factories import make_client

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "clientdesk_generated_client"


@pytest.fixture
def generated(live_server, tmp_path, monkeypatch):
    """The generated package, imported from a temporary folder."""
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")  # no formatter needed
    subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--url",
            f"{live_server.url}/api/v1/openapi.json",
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(tmp_path / "config.yaml"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module(PACKAGE)
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def test_a_generated_client_walks_the_integrators_journey(live_server, cast, generated, run_tasks):
    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    for i in range(4):
        make_client(cast, prefix=f"OLD{i}", name=f"Older {i}")
    _token, raw = api_token_create(membership=cast.manager, name="SDK", actor=cast.manager.user)
    client = generated.AuthenticatedClient(base_url=live_server.url, token=raw)
    clients, contacts, imports = (
        importlib.import_module(f"{api.__name__}.{name}")
        for name in ("clients", "contacts", "imports")
    )
    create = importlib.import_module(f"{clients.__name__}.clients_create")

    # A client with its primary contact.
    new = create.sync(
        client=client,
        body=models.ClientCreateIn(
            prefix="JRN",
            name="Journey Ltd",
            status=models.ClientCreateInStatus.LEAD,
            primary_contact=models.ContactIn(first_name="Jo", email="jo@journey.example"),
        ),
    )
    assert isinstance(new, models.ClientOut), new
    assert new.prefix == "JRN" and new.status == models.ClientOutStatus.LEAD
    assert new.counts.contacts == 1

    # Another contact.
    add = importlib.import_module(f"{contacts.__name__}.contacts_create")
    kim = add.sync(
        new.id,
        client=client,
        body=models.ContactCreateIn(first_name="Kim", last_name="Lee", email="kim@journey.example"),
    )
    assert isinstance(kim, models.ContactOut), kim
    assert kim.client_id == new.id and not kim.is_primary

    # The status, with a reason; then the history.
    status = importlib.import_module(f"{clients.__name__}.client_status")
    moved = status.sync(
        new.id,
        client=client,
        body=models.StatusIn(status=models.StatusInStatus.PROSPECT, reason="Qualified on a call"),
    )
    assert isinstance(moved, models.ClientOut), moved
    assert moved.status == models.ClientOutStatus.PROSPECT
    history = importlib.import_module(f"{clients.__name__}.client_history").sync(
        new.id, client=client
    )
    assert [(h.from_status, h.to_status.value, h.reason) for h in history.items] == [
        (None, "lead", "Created"),
        (models.HistoryItemOutFromStatusType0.LEAD, "prospect", "Qualified on a call"),
    ]

    # Every client, two a page, through the cursor.
    listing = importlib.import_module(f"{clients.__name__}.clients_list")
    seen, cursor, pages = [], types.UNSET, 0
    while True:
        page = listing.sync(client=client, limit=2, cursor=cursor)
        assert isinstance(page, models.ClientPage), page
        seen += [c.prefix for c in page.items]
        pages += 1
        if not page.next_:
            break
        cursor = page.next_
    assert pages == 3 and sorted(seen) == ["JRN", "OLD0", "OLD1", "OLD2", "OLD3"]

    # A dry-run import, then its job.
    start = importlib.import_module(f"{imports.__name__}.imports_create")
    csv = b"Prefix,Name\r\nNEW1,New One\r\nJRN,Journey Limited\r\n"
    answer = start.sync_detailed(
        client=client,
        body=models.ImportsCreateBody(
            file=types.File(payload=BytesIO(csv), file_name="clients.csv", mime_type="text/csv"),
            kind=models.ImportsCreateBodyKind.CLIENTS,
            mode=models.ImportsCreateBodyMode.UPSERT,
            dry_run=True,
        ),
    )
    assert answer.status_code == HTTPStatus.ACCEPTED, answer.content  # it runs as a job
    run_tasks()  # the worker, as `clientdesk serve` runs one beside the web server
    job = importlib.import_module(f"{imports.__name__}.import_get").sync(
        answer.parsed.id, client=client
    )
    assert isinstance(job, models.ImportOut), job
    assert job.dry_run and job.kind == "clients"
    assert job.state == models.ImportOutState.DONE
    assert (job.counts.rows, job.counts.created, job.counts.updated) == (2, 1, 1)

    # The errors come back typed too.
    missing = importlib.import_module(f"{clients.__name__}.client_get").sync(2**62, client=client)
    assert isinstance(missing, models.ErrorOut) and missing.detail == "Not found."
