"""Django's SQLite backend with writers that take turns (base.py); settings.py names it as the
ENGINE of a sqlite:/// database."""

from django.db import connection


def let_waiting_writers_in(*, most: float) -> float:
    """Between two transactions of a long job: let the writers that wait for SQLite's write
    lock take it first (at most `most` seconds; base.py says how). Answers the seconds waited.
    PostgreSQL locks rows, not the database, and hands a row to those who wait for it when the
    job's transaction ends: there this returns at once."""
    wait = getattr(connection, "let_waiting_writers_in", None)
    return wait(most) if wait is not None else 0.0
