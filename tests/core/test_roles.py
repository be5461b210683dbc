import itertools

import pytest

from clientdesk.core.roles import ALL_CAPABILITIES, CAPABILITIES, Role, can


def test_each_role_can_do_at_most_what_the_role_above_it_can():
    order = [Role.VIEWER, Role.TECHNICIAN, Role.MANAGER, Role.ADMIN, Role.OWNER]
    for lower, higher in itertools.pairwise(order):
        assert CAPABILITIES[lower] < CAPABILITIES[higher], (lower, higher)


def test_only_owners_may_delete_the_account():
    assert [role for role in Role if "account.delete" in CAPABILITIES[role]] == [Role.OWNER]


def test_technicians_see_no_money_and_change_no_status():
    assert "money.read" not in CAPABILITIES[Role.TECHNICIAN]
    assert "clients.status" not in CAPABILITIES[Role.TECHNICIAN]
    assert "tickets.write" in CAPABILITIES[Role.TECHNICIAN]


def test_viewers_only_read():
    assert {c for c in CAPABILITIES[Role.VIEWER] if not c.endswith(".read")} == set()


def test_an_unknown_capability_is_a_programming_error_not_a_silent_no(cast):
    with pytest.raises(ValueError, match="unknown capability"):
        can(cast.owner, "clients.teleport")
    assert "clients.write" in ALL_CAPABILITIES
