"""A worker killed in the middle of an import leaves whole batches only; the job knows how far
it got, resuming it finishes the file, and running the file again in upsert mode completes it
without duplicates."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from clientdesk.audit.models import Activity
from clientdesk.clients import derived
from clientdesk.clients.models import Client
from clientdesk.transfer import engine
from clientdesk.transfer.models import ImportJob
from clientdesk.transfer.services import import_file

ROWS = 40_000


def _file(tmp_path):
    path = tmp_path / "many.csv"
    lines = ["Prefix,Name,Status,Status since"]
    lines += [f"K{i:06d},Client {i},active,2024-01-{1 + i % 28:02d}" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _kill_mid_run(path) -> ImportJob:
    env = {**os.environ, "CLIENTDESK_DATABASE_URL": _database_url(), "CLIENTDESK_DEBUG": "1"}
    command = [sys.executable, "-m", "clientdesk", "importfile", "clients", str(path)]
    worker = subprocess.Popen([*command, "--account", "acme"], env=env)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            job = ImportJob.objects.filter(rows_done__gt=0).first()
            if job is not None:
                break
            time.sleep(0.02)
    finally:
        worker.kill()
        worker.wait()
    assert job is not None, "the import never committed a batch"
    job.refresh_from_db()
    return job


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_leaves_whole_batches_and_resumes_or_reruns_to_completion(cast, tmp_path):
    path = _file(tmp_path)

    job = _kill_mid_run(path)

    assert job.state == "running", "killed before the end"
    written = Client.objects.filter(account=cast.account).count()
    assert 0 < written < ROWS
    assert written == job.counts["created"] == job.rows_done  # whole batches only
    assert derived.differences(cast.account) == {"deltas": 0, "intervals": 0, "periods": 0}

    engine.run(job, path=str(path))  # the task does this when the worker comes back

    job.refresh_from_db()
    assert job.state == "done" and job.counts["rows"] == ROWS
    assert job.counts["created"] == ROWS and job.counts["rejected"] == 0
    assert Client.objects.filter(account=cast.account).count() == ROWS
    # The resumed job found its activity entry again: one for the job, with the whole count.
    entries = Activity.objects.filter(account=cast.account, target_type="transfer.importjob")
    assert [e.changes["created"] for e in entries] == [[None, ROWS]]

    again = import_file(account=cast.account, membership=cast.owner, kind="clients", path=str(path))
    assert again.counts["unchanged"] == ROWS and again.counts["created"] == 0
    assert derived.differences(cast.account) == {"deltas": 0, "intervals": 0, "periods": 0}


@pytest.mark.django_db(transaction=True)
def test_running_the_file_again_after_a_kill_completes_it_without_duplicates(cast, tmp_path):
    path = _file(tmp_path)
    job = _kill_mid_run(path)
    written = job.counts["created"]

    again = import_file(account=cast.account, membership=cast.owner, kind="clients", path=str(path))

    assert again.counts["created"] == ROWS - written and again.counts["unchanged"] == written
    assert Client.objects.filter(account=cast.account).count() == ROWS
