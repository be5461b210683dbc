"""Other people's writes wait at most one batch of an import (about half a second), not the
whole file: an import never holds the database for long, on SQLite (one write lock for the whole
database) as on PostgreSQL."""

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
    assert statistics.median(waits) < 1.0, waits
    # SQLite has one write lock and no queue: a writer retries on its own clock (the busy
    # handler backs off to 100 ms) and can miss the gap between two batches a few times in a
    # row. Measured here: longest 1.2-2.6 s on SQLite, 0.06 s on PostgreSQL.
    assert max(waits) < (3.0 if connection.vendor == "sqlite" else 1.0), waits
