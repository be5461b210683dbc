"""How an import job runs, apart from what it reads and writes: Python's cycle collector held
back, SQLite's settings for the job's connections, and the thread that writes one batch while
the job's thread reads, parses and checks the next (transfer.engine decides when)."""

import gc
import logging
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any

from django.db import OperationalError, connection
from django.utils import timezone, translation

log = logging.getLogger(__name__)

# Objects allocated (less those freed) between two collections of the youngest generation while
# an import runs (Python's default: 700).
IMPORT_GC_THRESHOLD = (50_000, 20, 100)


@contextmanager
def few_collections() -> Iterator[None]:
    """Python's cycle collector ran 5,000 times in a 100,000-row import (42 of them over the
    whole heap, Django's modules included): 2.8 s of the engine's 18 (measured with
    gc.callbacks). The rows of a batch are plain lists and dicts freed by their counts when the
    batch ends, so an import collects rarely, and the objects that were there before it began
    (the code, the settings, the account's look-ups) are set aside from the collections
    (gc.freeze): about 20 collections and 0.2 s."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*IMPORT_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


# Pages of write-ahead log between two checkpoints while an import runs (SQLite's default:
# 1,000, so every batch of a few thousand rows ended in a checkpoint and its fsyncs). 128 MB:
# a page that several batches touch is copied into the database once. At 1,000,000 rows
# (SQLite, CSV, one run each): 5,701 rows/s at 8,192 pages, 6,196 at 32,768, 6,906 at 65,536.
# A person who saves while an import runs copies what the log holds when their commit ends
# (SQLite checkpoints after a commit over 1,000 pages): on this machine 110 ms for 8,192
# pages, 280 ms for 32,768, 450 ms for 65,536; this is the middle.
IMPORT_CHECKPOINT_PAGES = 32768


@contextmanager
def sqlite_import_settings() -> Iterator[None]:
    """SQLite's page cache lives in this process: the 64 MB the pages get (settings) would be
    most of an import's memory budget, and at 100,000 rows 16 MB writes as fast (bench).

    And the log is copied into the database every IMPORT_CHECKPOINT_PAGES pages instead of
    after each batch: a checkpoint writes each page the batch touched a second time and waits
    for the disk twice (fsync), a cost per batch that grows with the tables (the index pages a
    batch touches) and that smaller batches, on a busy machine, pay more often. Between
    batches the log holds at most that much more; the end of the job checkpoints."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size=-16000")
        cursor.execute(f"PRAGMA wal_autocheckpoint={IMPORT_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={int(before)}")
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(checkpoint)}")
        if not connection.in_atomic_block:  # a checkpoint runs outside any transaction
            try:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except OperationalError:  # the database busy: the next writer's commit does it
                log.info("import: checkpoint left to the next writer", exc_info=True)


# Off in tests that compare the two ways.
PIPELINE = True
SWITCH_SECONDS = 0.0002


class Pipeline:
    """The batches' writes, one at a time, on a thread with its own database connection: the
    database works (SQLite in its C code, which lets go of Python's lock; PostgreSQL in its
    own process) while this thread reads, parses and checks the next batch. A batch is handed
    over only when the one before it is committed, so the checks of batch N+1 see batch N-1
    and know the prefixes batch N creates (`ctx.in_flight`); a write that fails stops the
    job at the next hand-over, with the batches before it committed, as without the thread.
    """

    def __init__(self) -> None:
        # A thread back from the database waits for the other to hand over Python's lock, at
        # most this long (Python's default: 5 ms; 100,000 rows on SQLite, one run each: 15.5 s
        # at 5 ms, 15.2 s at 1 ms, 14.5 s at 0.2 ms).
        self.switch = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_SECONDS)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writes")
        self.pending: Future | None = None
        self.settings = ExitStack()
        language, zone = translation.get_language(), timezone.get_current_timezone()
        try:
            self.pool.submit(self._enter, language, zone).result()
        except BaseException:
            self.close()
            raise

    def _enter(self, language: str | None, zone) -> None:
        translation.activate(language or "en")
        timezone.activate(zone)
        self.settings.enter_context(sqlite_import_settings())

    def submit(self, write: Callable[..., None], *args: Any) -> None:
        self.wait()
        self.pending = self.pool.submit(write, *args)

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self.pool.submit(self._leave).result()
            self.pool.shutdown()
            sys.setswitchinterval(self.switch)

    def _leave(self) -> None:
        try:
            self.settings.close()
        finally:
            connection.close()
