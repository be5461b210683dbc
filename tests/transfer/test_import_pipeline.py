"""A job that only creates writes each batch on a thread of its own while the next one is read,
parsed and checked (transfer.engine's pipeline): the clients, their history, contacts,
opportunities and the rejected rows are those the one-thread way leaves, a sub-client whose
parent sits in the batch being written finds it, and a write that fails stops the job with the
batches before it saved, to be resumed.

These tests run outside a test transaction (the writer's own connection must see the rows),
on SQLite's file database and on PostgreSQL alike."""

import threading

import pytest

from clientdesk.clients import derived
from clientdesk.clients.models import Client, StatusChange
from clientdesk.contacts.models import Contact
from clientdesk.onboarding import batch as onboarding
from clientdesk.software.models import ClientOpportunity
from clientdesk.transfer import engine, runtime
from clientdesk.transfer.models import ImportJob, ImportRowError, State
from clientdesk.transfer.services import import_file

pytestmark = pytest.mark.django_db(transaction=True)


def _file(tmp_path) -> str:
    """40 rows in batches of 4, 8, 16 and 12 (BATCH_FIRST 4): sub-clients whose parent is in
    the batch before theirs, in their own batch, and later in the file; a refused row and a
    repeated prefix."""
    lines = ["Prefix,Name,Status,Status since,Parent prefix,Contact email"]
    parents = {6: 2, 7: 4, 14: 10, 15: 12, 30: 20, 31: 29, 3: 35}  # row: its parent's row
    for i in range(1, 41):
        status = ("active", "lead", "prospect", "inactive")[i % 4]
        parent = f"P{parents[i]:03d}" if i in parents else ""
        since = f"2024-0{1 + i % 9}-{10 + i % 18}"
        lines.append(f"P{i:03d},Client {i},{status},{since},{parent},c{i}@p{i}.example")
    lines[9] = "BAD!,Refused prefix,active,2024-01-01,,bad@bad.example"  # row 10 of the file
    lines[25] = "P010,Same prefix as P010,active,2024-01-01,,again@p10.example"  # row 26
    path = tmp_path / "clients.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _state(account) -> dict:
    clients = Client.objects.filter(account=account).select_related("parent")
    return {
        "clients": {
            c.prefix: (c.name, c.status, c.parent.prefix if c.parent else None) for c in clients
        },
        "history": sorted(
            (h.client.prefix, h.to_status, h.at.isoformat())
            for h in StatusChange.objects.filter(account=account).select_related("client")
        ),
        "contacts": sorted(
            Contact.objects.filter(account=account).values_list(
                "client__prefix", "email", "is_primary"
            )
        ),
        "opportunities": sorted(
            ClientOpportunity.objects.filter(account=account).values_list(
                "client__prefix", "contacts", "missing_count", "project", "revenue"
            )
        ),
    }


def _rejected(job) -> list:
    return list(
        ImportRowError.objects.filter(job=job).order_by("row").values_list("row", "message")
    )


def _import(membership, path) -> ImportJob:
    return import_file(
        account=membership.account,
        membership=membership,
        kind="clients",
        path=path,
        mode="create",
    )


def test_the_pipeline_leaves_what_one_thread_leaves(cast, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "BATCH_FIRST", 4)
    path = _file(tmp_path)
    writers: set[str] = set()
    write = onboarding.clients_onboard_write

    def spy(**kwargs):
        writers.add(threading.current_thread().name)
        return write(**kwargs)

    monkeypatch.setattr(onboarding, "clients_onboard_write", spy)

    threaded = _import(cast.owner, path)
    monkeypatch.setattr(runtime, "PIPELINE", False)
    serial = _import(cast.outsider, path)

    assert writers and all(name.startswith("import-writes") for name in writers), writers
    assert threaded.state == serial.state == State.DONE
    assert (
        threaded.counts
        == serial.counts
        == {
            "rows": 40,
            "created": 38,
            "updated": 0,
            "unchanged": 0,
            "rejected": 2,
        }
    )
    assert _rejected(threaded) == _rejected(serial) and [r for r, _m in _rejected(serial)] == [
        10,
        26,
    ]
    mine, theirs = _state(cast.account), _state(cast.other_account)
    assert mine == theirs
    # The sub-clients found their parents: in the batch before, the same one and later rows.
    assert mine["clients"]["P006"][2] == "P002" and mine["clients"]["P014"][2] == "P010"
    assert mine["clients"]["P003"][2] == "P035" and mine["clients"]["P031"][2] == "P029"
    assert not any(derived.differences(cast.account).values())


def test_a_write_that_fails_stops_the_job_and_the_rerun_finishes_it(cast, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "BATCH_FIRST", 4)
    path = _file(tmp_path)
    write, batches = onboarding.clients_onboard_write, []

    def third_fails(**kwargs):
        batches.append(kwargs["checked"].created())
        if len(batches) == 3:
            raise RuntimeError("the disk is full")
        return write(**kwargs)

    monkeypatch.setattr(onboarding, "clients_onboard_write", third_fails)
    job = _import(cast.owner, path)

    assert job.state == State.FAILED
    job.refresh_from_db()
    saved = set(Client.objects.filter(account=cast.account).values_list("prefix", flat=True))
    assert saved == batches[0] | batches[1]  # the first two batches, nothing of the third
    assert job.counts["created"] == len(saved) and 0 < job.rows_done < 40

    job.state = State.QUEUED
    job.save(update_fields=["state"])
    engine.run(job, path=path)

    job.refresh_from_db()
    assert job.state == State.DONE, job.failure
    assert job.counts == {"rows": 40, "created": 38, "updated": 0, "unchanged": 0, "rejected": 2}
    assert Client.objects.filter(account=cast.account).count() == 38
    assert not any(derived.differences(cast.account).values())
