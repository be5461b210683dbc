import pytest
from django.http import Http404

from clientdesk.clients.models import Client
from clientdesk.clients.services import client_create
from clientdesk.core.models import MembershipClient
from clientdesk.core.scoping import clients_visible, get_in_account, in_account


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
    assert get_in_account(Client, account=cast.account, pk=clients["beta"].pk) == clients["beta"]
    for pk in (clients["theirs"].pk, 999999, "not-a-number"):
        with pytest.raises(Http404):
            get_in_account(Client, account=cast.account, pk=pk)


def test_a_tenant_query_without_an_account_is_refused_loudly(db):
    with pytest.raises(ValueError, match="needs an account"):
        in_account(Client, account=None)
