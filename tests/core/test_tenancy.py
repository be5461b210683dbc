"""The tenant base (core.tenancy): scoped managers, the member's client limits, 404s, and the
refusal of any query that does not say whose rows it wants."""

import pytest
from django.http import Http404

from clientdesk.clients.models import Client, StatusChange
from clientdesk.clients.queries import clients_visible, live_clients
from clientdesk.clients.services import client_create
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.core.models import MembershipClient
from clientdesk.core.tenancy import ScopeError, enforced, get_for, unscoped


@pytest.fixture
def clients(cast):
    def make(prefix, parent=None, account=cast.account):
        return client_create(
            account=account, actor=None, prefix=prefix, name=prefix.title(), parent=parent
        )

    alpha = make("ALPHA")
    site = make("ALSITE", parent=alpha)
    return {
        "alpha": alpha,
        "alpha_site": site,
        "alpha_site_room": make("ALROOM", parent=site),
        "beta": make("BETA"),
        "theirs": make("THEIRS", account=cast.other_account),
    }


def limit(membership, mode, *clients):
    membership.client_access = mode
    membership.save()
    for client in clients:
        MembershipClient.objects.create(
            account=membership.account, membership=membership, client=client
        )


def prefixes(qs):
    return sorted(qs.values_list("prefix", flat=True))


def test_everyone_sees_all_of_their_accounts_clients_and_none_of_another(cast, clients):
    assert prefixes(clients_visible(cast.viewer)) == ["ALPHA", "ALROOM", "ALSITE", "BETA"]


def test_an_allow_list_shows_only_those_clients_and_their_sub_clients_at_any_depth(cast, clients):
    limit(cast.technician, "allow", clients["alpha"])
    assert prefixes(clients_visible(cast.technician)) == ["ALPHA", "ALROOM", "ALSITE"]


def test_a_deny_list_hides_those_clients_and_their_sub_clients(cast, clients):
    limit(cast.technician, "deny", clients["alpha"])
    assert prefixes(clients_visible(cast.technician)) == ["BETA"]


def test_another_accounts_object_is_the_same_404_as_a_missing_one(cast, clients):
    assert get_for(cast.viewer, Client, clients["beta"].pk) == clients["beta"]
    for pk in (clients["theirs"].pk, 999999, "not-a-number", None):
        with pytest.raises(Http404):
            get_for(cast.viewer, Client, pk)


def test_a_hidden_client_is_the_same_404_as_a_missing_one(cast, clients):
    limit(cast.technician, "deny", clients["alpha"])
    with pytest.raises(Http404):
        get_for(cast.technician, Client, clients["alpha_site"].pk)


def test_a_deleted_client_leaves_the_members_scope(cast, clients):
    Client.objects.filter(pk=clients["beta"].pk).update(deleted_at="2026-01-01T00:00Z")
    assert "BETA" not in prefixes(live_clients(cast.viewer))
    assert "BETA" in prefixes(clients_visible(cast.viewer))  # its prefix stays taken


def test_a_client_owned_row_follows_its_clients_visibility(cast, clients):
    for key in ("alpha_site", "beta"):
        contact_create(client=clients[key], actor=None, first_name=key, email=f"{key}@x.test")
    limit(cast.technician, "deny", clients["alpha"])
    seen = Contact.objects.for_member(cast.technician).values_list("first_name", flat=True)
    assert list(seen) == ["beta"]
    assert Contact.objects.for_member(cast.outsider).count() == 0


def test_a_query_that_does_not_say_whose_rows_it_wants_is_refused(cast, clients):
    with enforced():
        with pytest.raises(ScopeError, match=r"clients\.Client queried without"):
            list(Client.objects.all())
        with pytest.raises(ScopeError):
            Client.objects.filter(prefix="BETA").exists()
        with pytest.raises(ScopeError):
            Client.objects.filter(prefix="BETA").update(name="x")
        with pytest.raises(ScopeError):  # a subquery too
            list(Client.objects.for_account(cast.account).filter(pk__in=Client.objects.all()))
        with pytest.raises(ScopeError):
            StatusChange.objects.count()
        # Said: the account, the member, an object read in scope, or an explicit block.
        assert Client.objects.for_account(cast.account).count() == 4
        assert Client.objects.for_member(cast.viewer).count() == 4
        assert clients["beta"].history.count() == 1
        with unscoped():
            assert Client.objects.count() == 5


def test_a_tenant_query_without_an_account_is_refused_loudly(db):
    with pytest.raises(ScopeError, match="needs an account"):
        Client.objects.for_account(None)
