"""Other people's writes wait at most one batch of an import (about half a second), not the
whole file: an import never holds the database for long, on SQLite (one write lock for the whole
database: the waiting writer and the import take turns, core.sqlitedb) as on PostgreSQL."""

import os
import statistics
import subprocess
import sys
import time

import pytest
from django.db import connection

from clientdesk.clients.models import Client
from clientdesk.transfer.models import ImportJob, State
from tests.clients.factories import make_client
from tests.transfer.test_import_resume import _database_url

ROWS = 50_000  # long enough for several writes to land while it runs, on a fast machine too


@pytest.mark.django_db(transaction=True)
def test_a_write_during_an_import_answers_within_a_second_or_two(cast, tmp_path):
    path = tmp_path / "many.csv"
    lines = ["Prefix,Name,Status,Status since"]
    lines += [f"K{i:06d},Client {i},active,2024-01-{1 + i % 28:02d}" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")
    env = {**os.environ, "CLIENTDESK_DATABASE_URL": _database_url(), "CLIENTDESK_DEBUG": "1"}
    command = [sys.executable, "-m", "clientdesk", "importfile", "clients", str(path)]
    importer = subprocess.Popen([*command, "--account", "acme"], env=env)
    waits: list[float] = []
    try:
        deadline = time.monotonic() + 120
        while not ImportJob.objects.filter(rows_done__gt=0).exists():
            assert time.monotonic() < deadline, "the import never committed a batch"
            assert importer.poll() is None, "the import ended before its first batch"
            time.sleep(0.02)
        while importer.poll() is None and len(waits) < 40:
            began = time.monotonic()
            make_client(cast, name="Edited while importing")  # a service: one transaction
            waits.append(time.monotonic() - began)
            time.sleep(0.05)
    finally:
        assert importer.wait(timeout=300) == 0
    job = ImportJob.objects.get()
    assert job.state == State.DONE and job.counts["created"] == ROWS
    assert Client.objects.filter(name="Edited while importing").count() == len(waits)
    assert len(waits) >= 5, "the import ended before the writes could be measured"
    print(
        f"{len(waits)} writes during the import: median {statistics.median(waits):.3f} s,"
        f" longest {max(waits):.3f} s"
    )
    assert statistics.median(waits) < 0.6, waits
    # On SQLite a write waits for the rest of the batch in progress (paced to 0.4 s), then
    # runs; a loaded machine stretches a batch. Measured on 2 cores at load averages of 8-15:
    # longest 0.59-0.99 s in eight runs out of ten, 1.21 s and 1.23 s in two (2.5-3.9 s before
    # writers took turns with the import: docs/import-speed.md); 0.18-0.29 s on PostgreSQL.
    assert max(waits) < (1.5 if connection.vendor == "sqlite" else 1.0), waits
