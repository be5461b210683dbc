"""Django's SQLite backend, with writers that take turns with a long job.

SQLite has one write lock for the whole database and no queue: a connection that finds it
taken sleeps in SQLite's busy handler, with pauses that grow to 100 ms, and tries again. A job
that writes in back-to-back transactions (an import: a batch of about 0.4 s, then a few
milliseconds of reading its file, then the next batch) leaves the lock free only in those
short gaps, so a writer waking every 100 ms missed several in a row: a person's edit during an
import waited up to 2.5–4 s (docs/import-speed.md, "Other people's writes during an import").

So here, when `BEGIN IMMEDIATE` finds the lock taken:
- the writer tries again every POLL seconds itself (with SQLite's own waiting switched off for
  those tries) until the `timeout` of the settings, and
- while it waits it holds a shared flock on `<database>-writers`, a file beside the database;
  `let_waiting_writers_in`, which a long job calls between two of its transactions, waits
  while anyone holds it, so waiting writers get the lock before the job's next transaction.
An uncontended BEGIN costs two PRAGMA statements more than Django's and touches no file.
"""

import fcntl
import os
import sqlite3
import time

from django.db.backends.sqlite3 import base
from django.db.backends.utils import debug_transaction

POLL = 0.002  # seconds between two tries of a waiting writer
DEFAULT_TIMEOUT = 5.0  # sqlite3.connect's, when the settings give none


def _busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self):
        if self.transaction_mode != "IMMEDIATE" or self.is_in_memory_db():
            super()._start_transaction_under_autocommit()
            return
        with debug_transaction(self, "BEGIN IMMEDIATE"), self.wrap_database_errors:
            self._begin_immediate()

    def _begin_immediate(self) -> None:
        raw = self.connection
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT))
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
            deadline = time.monotonic() + timeout
            fd = self._say_waiting()
            try:
                while True:
                    try:
                        raw.execute("BEGIN IMMEDIATE")
                        return
                    except sqlite3.OperationalError as exc:
                        if not _busy(exc) or time.monotonic() >= deadline:
                            raise
                    time.sleep(POLL)
            finally:
                if fd is not None:
                    os.close(fd)  # and with it the flock
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")

    def _say_waiting(self) -> int | None:
        """A shared flock on the writers file, held until the descriptor closes; None when the
        file cannot be made (a read-only folder): then the writer only polls."""
        try:
            fd = os.open(self.writers_path(), os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError:
            return None
        fcntl.flock(fd, fcntl.LOCK_SH)
        return fd

    def writers_path(self) -> str:
        return f"{self.settings_dict['NAME']}-writers"

    def let_waiting_writers_in(self, most: float) -> float:
        """Between two transactions of a long job: wait while other connections wait for the
        write lock (at most `most` seconds), so they take it before the job's next
        transaction. Answers the seconds waited. Inside a transaction (a test's) nobody could
        take the lock meanwhile, so it answers at once."""
        if self.in_atomic_block or self.is_in_memory_db():
            return 0.0
        try:
            fd = os.open(self.writers_path(), os.O_RDONLY)
        except FileNotFoundError:  # nobody has waited on this database yet
            return 0.0
        began = time.monotonic()
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() - began >= most:
                        break
                    time.sleep(POLL)
        finally:
            os.close(fd)
        return time.monotonic() - began
