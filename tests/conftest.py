"""The fixed cast of STYLE habit 7, shared by every test."""

from dataclasses import dataclass
from functools import cached_property

import pytest
from django.core.management import call_command

from clientdesk.core.models import Account, Membership
from clientdesk.core.tenancy import enforced, unscoped
from clientdesk.portal.models import PortalAccess
from tests.clients.factories import make_client
from tests.factories import make_account, make_member, make_portal_user


@dataclass
class Cast:
    account: Account  # "acme", the account the tests act in
    owner: Membership
    admin: Membership
    manager: Membership
    technician: Membership
    viewer: Membership
    other_account: Account  # "globex", whose people must never see acme's data
    outsider: Membership  # the owner of globex

    def member(self, role: str) -> Membership:
        return getattr(self, role)

    # The portal users, built when a test first asks for them: the other tests keep an account
    # without clients.

    @cached_property
    def portal_a(self) -> PortalAccess:
        """Ada, the primary contact of acme's client A ("Alpha Corp"), signed up to the portal."""
        client = make_client(self, prefix="ALPHA", name="Alpha Corp")
        return make_portal_user(self, client, first_name="Ada", email="ada@alpha.example")

    @cached_property
    def portal_b(self) -> PortalAccess:
        """Bo, the primary contact of acme's client B ("Bravo Ltd"), signed up to the portal."""
        client = make_client(self, prefix="BRAVO", name="Bravo Ltd")
        return make_portal_user(self, client, first_name="Bo", email="bo@bravo.example")


@pytest.fixture(autouse=True)
def _tests_read_across_accounts():
    """A test's own set-up and checks read any account's rows; every request it sends runs
    with scoping enforced again (core.middleware.TenancyMiddleware), and so do the tasks."""
    with unscoped():
        yield


@pytest.fixture
def cast(db) -> Cast:
    account = make_account("acme", name="Acme IT")
    owner = Membership.objects.get(account=account, role="owner")
    other = make_account("globex", name="Globex Services")
    return Cast(
        account=account,
        owner=owner,
        admin=make_member(account, "admin"),
        manager=make_member(account, "manager"),
        technician=make_member(account, "technician"),
        viewer=make_member(account, "viewer"),
        other_account=other,
        outsider=Membership.objects.get(account=other, role="owner"),
    )


@pytest.fixture
def run_tasks(monkeypatch):
    """Run every queued background task now with the real worker (the database backend).

    The worker drops connections that are not in autocommit between tasks; inside a test's
    transaction that would close the test's own connection, so that one call is disabled here.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        with enforced():  # as in production: each task says itself what it reads across
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


@pytest.fixture
def finish(run_tasks, django_capture_on_commit_callbacks):
    """Send a request that queues background work (an import), then let the real worker run
    it, as it would after the request's commit in production: `finish(http.post, url, data)`."""

    def send(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = call(*args, **kwargs)
        run_tasks()
        return response

    return send
