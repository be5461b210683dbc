"""`clientdesk demo` tells a true story (issue 12, point 12): every client is made on the day its
history starts, its engagement follows real invitations and portal users, every tab of the
Clients page shows clients (with tags, sub-clients and contacts), the printed logins work, and a
small demo works too."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as Browser
from django.utils import timezone

from clientdesk.audit.models import Activity
from clientdesk.clients.derived import differences
from clientdesk.clients.models import Client, Engagement, Status, StatusChange
from clientdesk.clients.queries import TABS
from clientdesk.contacts.models import Contact
from clientdesk.core.demo import DEMO_PASSWORD, demo_logins
from clientdesk.core.models import Account, Message, User
from clientdesk.portal.models import PortalAccess, PortalInvitation

LIFECYCLE_TABS = [tab for tab, statuses in TABS.items() if statuses]


def run(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks) -> tuple[Account, str]:
    """The default demo: 60 clients, seed 1; what waits for the commit runs, as it would."""
    with django_capture_on_commit_callbacks(execute=True):
        printed = run()
    return Account.objects.get(slug="demo"), printed


def clients_of(account: Account) -> list[Client]:
    return list(Client.objects.filter(account=account).order_by("pk"))


def test_every_client_was_made_when_its_history_starts(demo):
    account, _ = demo
    clients = clients_of(account)
    assert len(clients) == 60
    for client in clients:
        history = list(StatusChange.objects.filter(client=client).order_by("at", "id"))
        assert client.created_at == history[0].at, client
        assert history[0].from_status is None
        assert client.status == history[-1].to_status
        assert client.status_changed_at == history[-1].at
        went_active = [h.at for h in history if h.to_status == Status.ACTIVE]
        assert client.activated_at == (went_active[0] if went_active else None), client
        assert all(a.from_status == b.to_status for a, b in zip(history[1:], history, strict=False))
        # What the timeline says happened when the history says it did.
        entries = Activity.objects.filter(target_type="clients.client", target_id=str(client.pk))
        assert entries.get(verb="client.created").at == client.created_at
        moves = entries.filter(verb="client.status_changed").order_by("at")
        assert [e.at for e in moves] == [h.at for h in history[1:]]
        for contact in Contact.objects.filter(client=client):
            assert client.created_at <= contact.created_at <= timezone.now()
        if client.parent_id:
            assert client.parent.created_at < client.created_at
    oldest = min(c.created_at for c in clients)
    assert timedelta(days=365) < timezone.now() - oldest < timedelta(days=600)
    assert not Activity.objects.filter(account=account, at__lt=account.created_at).exists()
    assert differences(account) == {"deltas": 0, "intervals": 0, "periods": 0}


def test_engagement_follows_real_invitations_and_portal_users(demo):
    account, _ = demo
    now = timezone.now()
    seen = set()
    for client in clients_of(account):
        invitations = PortalInvitation.objects.filter(client=client)
        accesses = PortalAccess.objects.filter(client=client)
        is_open = invitations.filter(accepted_at=None, revoked_at=None, expires_at__gt=now)
        if accesses.filter(active=True).exists():
            expected = Engagement.ENGAGED
        elif is_open.exists():
            expected = Engagement.ACCESS_SENT
        else:
            expected = Engagement.SILENT
        assert client.engagement == expected, client
        seen.add(client.engagement)
        for invitation in invitations:  # sent after the client and its contact existed
            assert invitation.contact.created_at <= invitation.created_at
            assert invitation.expires_at == invitation.created_at + timedelta(days=7)
            message = Message.objects.get(pk=invitation.message_id)
            assert message.to == invitation.email and message.created_at == invitation.created_at
        for access in accesses.filter(active=True):
            invitation = invitations.get(contact=access.contact, accepted_at__isnull=False)
            assert invitation.created_at < invitation.accepted_at == access.created_at < now
            assert access.user.email == access.contact.email
        history = list(StatusChange.objects.filter(client=client).order_by("at", "id"))
        if client.status == Status.INVITED:  # invited this week: the invitation is open
            assert client.engagement == Engagement.ACCESS_SENT
            assert is_open.get().created_at == history[-1].at
        if client.status == Status.WAITING:  # accepted when it moved to waiting
            assert client.engagement == Engagement.ENGAGED
            assert invitations.get().accepted_at == history[-1].at
        if client.status in (Status.LEAD, Status.PROSPECT):
            assert client.engagement == Engagement.SILENT and not invitations.exists()
    assert seen == set(Engagement.values)
    # A former client's portal user lost access the day it left.
    revoked = PortalAccess.objects.filter(account=account, active=False)
    assert revoked.exists()
    for access in revoked:
        assert access.client.status == Status.INACTIVE
        assert access.revoked_at == access.client.status_changed_at
    # The demo mails nobody: its invitations wait in the Outbox, delivered there, and they are
    # all it holds (no mail about its made-up tickets and replies).
    assert not Message.objects.filter(account=account).exclude(state="sent").exists()
    invitation_mail = set(
        PortalInvitation.objects.filter(account=account).values_list("message_id", flat=True)
    )
    assert set(Message.objects.filter(account=account).values_list("pk", flat=True)) == (
        invitation_mail - {None}
    )


def test_every_tab_of_the_clients_page_shows_clients_with_tags_sub_clients_and_people(demo):
    account, _ = demo
    browser = Browser()
    browser.force_login(User.objects.get(email=demo_logins()[0][1]))
    for tab in [*LIFECYCLE_TABS, "archived"]:
        page = browser.get(f"/a/demo/clients/?tab={tab}")
        assert page.status_code == 200
        shown = re.findall(r'<tr data-client="([A-Z0-9]+)"', page.text)
        assert shown, tab
        counts = {t["key"]: t["count"] for t in page.context["tabs"]}
        assert counts[tab] == len(shown), tab
    live = Client.objects.filter(account=account, archived=False)
    for tab in LIFECYCLE_TABS:
        on_tab = live.filter(status__in=TABS[tab])
        assert on_tab.filter(tags__isnull=False).exists(), tab
        assert on_tab.filter(parent__isnull=False).exists(), tab  # a site of a client
        assert Contact.objects.filter(client__in=on_tab).exists(), tab
    grandchildren = live.filter(parent__parent__isnull=False)
    assert grandchildren.exists()  # two levels deep
    assert 3 <= account_tag_count(account) <= 10  # a small vocabulary
    with_primary = Contact.objects.filter(client__in=live, is_primary=True).exclude(email="")
    assert live.count() * 0.8 <= with_primary.count() < live.count()  # most, not all
    for client in live.exclude(status__in=(Status.LEAD, Status.PROSPECT)):
        assert with_primary.filter(client=client).exists(), client  # invitable
    # A lead with nobody to invite says why its Invite is off.
    nobody = live.exclude(pk__in=with_primary.values("client")).first()
    page = browser.get(f"/a/demo/clients/{nobody.pk}/")
    assert "Add a primary contact with an email address to invite this client." in page.text


def account_tag_count(account: Account) -> int:
    from clientdesk.clients.models import Tag

    return Tag.objects.filter(account=account).count()


def test_the_printed_logins_sign_in_staff_and_a_portal_user(demo):
    account, printed = demo
    for _role, email, password in demo_logins():
        assert f"{email}" in printed and password == DEMO_PASSWORD
        staff = Browser()
        assert staff.post("/sign-in/", {"username": email, "password": password}).status_code == 302
    found = re.search(
        r"As a client \((.+)\), sign in at \S+/portal/sign-in/ with:\n\s+Portal\s+(\S+)\s+password: (\S+)",
        printed,
    )
    assert found, printed
    name, email, password = found.groups()
    browser = Browser()
    response = browser.post("/portal/sign-in/", {"username": email, "password": password})
    assert response.status_code == 302 and response.url == "/portal/"
    home = browser.get("/portal/")
    assert home.status_code == 200 and name in home.text
    assert Client.objects.get(account=account, name=name).engagement == Engagement.ENGAGED
    again = run()  # the next `make run` prints the same logins
    assert "Using the demo account" in again and f"Portal      {email}" in again


@pytest.mark.parametrize("count", [1, 6])
def test_a_small_demo_works_and_fills_what_it_can(db, count):
    printed = run("--clients", str(count), "--seed", "3")
    account = Account.objects.get(slug="demo")
    clients = clients_of(account)
    assert len(clients) == count and f"with {count} clients" in printed
    assert differences(account) == {"deltas": 0, "intervals": 0, "periods": 0}
    for client in clients:
        assert client.created_at == StatusChange.objects.filter(client=client).earliest("at").at
    assert "Portal " in printed  # the first client is in service, with a portal user
    if count >= 6:  # a client on each tab of the Clients page
        live = [c for c in clients if not c.archived]
        tabs = {tab for tab in LIFECYCLE_TABS for c in live if c.status in TABS[tab]}
        assert tabs == set(LIFECYCLE_TABS)
        assert any(c.archived for c in clients)


def test_the_same_seed_tells_the_same_story(db):
    def story():
        account = Account.objects.get(slug="demo")
        return [
            (
                c.prefix,
                c.name,
                c.parent.prefix if c.parent else None,
                c.engagement,
                c.archived,
                sorted(c.tags.values_list("name", flat=True)),
                list(c.history.order_by("at", "id").values_list("to_status", flat=True)),
                sorted(Contact.objects.filter(client=c).values_list("email", flat=True)),
            )
            for c in clients_of(account)
        ]

    run("--clients", "20", "--seed", "7")
    first = story()
    Account.objects.filter(slug="demo").delete()
    run("--clients", "20", "--seed", "7")
    assert story() == first
    Account.objects.filter(slug="demo").delete()
    run("--clients", "20", "--seed", "8")
    assert story() != first


def test_a_negative_number_of_clients_is_refused(db):
    with pytest.raises(CommandError, match="--clients must be 0 or more"):
        run("--clients", "-1")
    assert not Account.objects.filter(slug="demo").exists()
