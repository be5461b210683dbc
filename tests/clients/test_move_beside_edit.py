"""A client moved under another while someone else's edit of it is in progress: both land.

Schemathesis found a deadlock on PostgreSQL: a move takes the account's row lock first (moves
are serialised per account, clients.services.client_update), then waits for the client's row,
which an edit holds; the edit then records its activity, whose foreign key to the account asks
for a KEY SHARE lock on the account's row, which the move's FOR UPDATE refused. The move now
locks the account FOR NO KEY UPDATE: moves still wait for one another, and rows that merely
point at the account do not wait for a move. On SQLite the edit's transaction holds the
database's one write lock and the move waits for it."""

import threading
import time

import pytest
from django.db import connection, transaction

from clientdesk.clients.models import Client
from clientdesk.clients.services import client_update
from clientdesk.core.tenancy import unscoped
from tests.clients.factories import make_client


@pytest.mark.django_db(transaction=True)
def test_a_move_waits_for_an_edit_of_the_same_client_and_both_land(cast):
    moved = make_client(cast, prefix="MOVED", name="Moved")
    parent = make_client(cast, prefix="HOME", name="New home")
    holding = threading.Event()
    failures: list[BaseException] = []

    def edit():
        with unscoped():  # a thread of its own: the test's unscoped() does not reach it
            try:
                with transaction.atomic():
                    Client.objects.select_for_update().get(pk=moved.pk)  # the edit's lock
                    holding.set()
                    time.sleep(1.0)  # the move, meanwhile, takes the account and waits here
                    client_update(client=moved, actor=cast.manager, version=None, name="Edited")
            except BaseException as exc:
                failures.append(exc)
            finally:
                connection.close()

    editor = threading.Thread(target=edit)
    editor.start()
    try:
        assert holding.wait(timeout=30), "the edit never began"
        client_update(client=moved, actor=cast.manager, version=None, parent=parent)
    finally:
        editor.join()
    assert not failures, failures
    moved.refresh_from_db()
    assert (moved.name, moved.parent_id) == ("Edited", parent.pk)
