"""A write made beside a job that writes in back-to-back transactions waits for the job's
transaction in progress, not for the whole job. On SQLite (one write lock for the database, no
queue) the job lets the waiting writers in between two of its transactions
(core.sqlitedb.let_waiting_writers_in). PostgreSQL locks rows, and queues those who wait for
one: here both write the day's status counts, so there too a write waits for one transaction."""

import threading
import time

import pytest
from django.db import connection, transaction

from clientdesk.core.tenancy import unscoped
from tests.clients.factories import make_client

TURN = 0.3  # seconds each of the job's transactions goes on writing
JOB = 6.0  # seconds the job runs in all: without taking turns a write would wait about that


@pytest.mark.django_db(transaction=True)
def test_a_write_waits_for_one_transaction_of_a_job_not_for_the_whole_job(cast):
    from clientdesk.core.sqlitedb import let_waiting_writers_in

    started = threading.Event()
    turns: list[float] = []

    def job():
        with unscoped():  # a thread of its own: the test's unscoped() does not reach it
            try:
                end = time.monotonic() + JOB
                while time.monotonic() < end:
                    began = time.monotonic()
                    with transaction.atomic():
                        while time.monotonic() - began < TURN:
                            make_client(cast, name="Written by the job")
                            started.set()
                    turns.append(time.monotonic() - began)
                    let_waiting_writers_in(most=TURN)
            finally:
                connection.close()

    worker = threading.Thread(target=job)
    worker.start()
    waits: list[float] = []
    try:
        assert started.wait(timeout=30), "the job never wrote"
        while worker.is_alive() and len(waits) < 10:
            began = time.monotonic()
            make_client(cast, name="Edited meanwhile")
            waits.append(time.monotonic() - began)
            time.sleep(0.05)
    finally:
        worker.join()
    assert len(waits) == 10, f"the job ended after {len(waits)} writes: {waits}"
    assert len(turns) >= 5, turns
    print(
        f"{len(waits)} writes beside the job: longest {max(waits):.3f} s;"
        f" the job's turns {min(turns):.2f}-{max(turns):.2f} s"
    )
    # A write waits for the rest of one turn of the job (TURN, plus the client it was writing)
    # and then does its own work: 0.3-0.6 s on a loaded machine. Without taking turns: 6.1 s
    # (Django's backend: the whole job), 2.5 s (polling alone, with no flock).
    assert max(waits) < TURN + 0.7, (waits, turns)
