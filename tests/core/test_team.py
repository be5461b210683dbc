import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from clientdesk.audit.models import Activity
from clientdesk.core.models import Membership, Message, StaffInvitation
from clientdesk.core.services import membership_change_role, membership_remove, staff_invite
from tests.audit.reading import entries


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def invitation_link(message: Message) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body_text).group(1)


@pytest.mark.parametrize("role", ["manager", "technician", "viewer"])
def test_only_owners_and_admins_open_the_team_page(cast, role):
    assert signed_in(cast.member(role)).get("/a/acme/settings/team/").status_code == 403
    assert signed_in(cast.admin).get("/a/acme/settings/team/").status_code == 200


def test_inviting_sends_an_email_whose_link_creates_the_person_and_signs_them_in(cast, run_tasks):
    owner = signed_in(cast.owner)
    response = owner.post(
        "/a/acme/settings/team/invite/", {"email": "New@Example.com", "role": "technician"}
    )
    assert response.status_code == 302
    message = Message.objects.get(kind="staff_invitation")
    assert message.to == "New@Example.com" and "Acme IT" in message.subject  # as typed
    assert message.state == "queued"
    run_tasks()
    message.refresh_from_db()
    assert (message.state, message.via_outbox) == ("sent", True)

    newcomer = Client()
    link = invitation_link(message)
    page = newcomer.get(link)
    assert page.status_code == 200 and "Join Acme IT" in page.text
    response = newcomer.post(
        link,
        {
            "name": "Nia New",
            "new_password1": "a-long-new-secret-9",
            "new_password2": "a-long-new-secret-9",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/a/acme/"
    membership = Membership.objects.get(account=cast.account, user__email="New@Example.com")
    assert membership.role == "technician" and membership.user.name == "Nia New"
    assert newcomer.get("/a/acme/").status_code == 200
    assert membership.user.check_password("a-long-new-secret-9")


def test_an_invitation_link_works_once(cast):
    _inv, token = staff_invite(actor=cast.owner, email="once@example.com", role="viewer")
    data = {
        "name": "O",
        "new_password1": "a-long-new-secret-9",
        "new_password2": "a-long-new-secret-9",
    }
    assert Client().post(f"/invitations/{token}/", data).status_code == 302
    again = Client().post(f"/invitations/{token}/", data)
    assert again.status_code == 404 and "no longer works" in again.text


def test_an_expired_revoked_or_tampered_invitation_is_refused(cast):
    invitation, token = staff_invite(actor=cast.owner, email="late@example.com", role="viewer")
    assert Client().get(f"/invitations/{token}x/").status_code == 404
    StaffInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert Client().get(f"/invitations/{token}/").status_code == 404
    _inv2, token2 = staff_invite(actor=cast.owner, email="rev@example.com", role="viewer")
    signed_in(cast.owner).post(f"/a/acme/settings/team/invitations/{_inv2.pk}/revoke/")
    assert Client().get(f"/invitations/{token2}/").status_code == 404


def test_a_weak_or_mismatched_password_is_refused_beside_its_field(cast):
    _inv, token = staff_invite(actor=cast.owner, email="weak@example.com", role="viewer")
    page = Client().post(
        f"/invitations/{token}/",
        {"name": "W", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert page.status_code == 200
    assert "too short" in page.text and 'aria-invalid="true"' in page.text
    assert not Membership.objects.filter(user__email="weak@example.com").exists()


def test_someone_with_a_login_signs_in_then_accepts(cast):
    _inv, token = staff_invite(actor=cast.outsider, email=cast.viewer.user.email, role="manager")
    assert "Sign in to accept" in Client().get(f"/invitations/{token}/").text
    viewer = signed_in(cast.viewer)
    assert viewer.post(f"/invitations/{token}/").status_code == 302
    assert (
        Membership.objects.get(account=cast.other_account, user=cast.viewer.user).role == "manager"
    )


def test_inviting_a_member_again_names_the_email_field(cast):
    response = signed_in(cast.owner).post(
        "/a/acme/settings/team/invite/", {"email": cast.viewer.user.email, "role": "viewer"}
    )
    assert response.status_code == 400
    assert "is already in this team" in response.text


def test_the_last_owner_can_be_neither_demoted_nor_removed(cast):
    with pytest.raises(ValidationError, match="last owner"):
        membership_change_role(actor=cast.owner, membership=cast.owner, role="admin")
    with pytest.raises(ValidationError, match="last owner"):
        membership_remove(actor=cast.owner, membership=cast.owner)
    page = signed_in(cast.owner).post(
        f"/a/acme/settings/team/{cast.owner.pk}/role/", {"role": "viewer"}, follow=True
    )
    assert "last owner" in page.text
    cast.owner.refresh_from_db()
    assert cast.owner.role == "owner"


def test_with_a_second_owner_the_first_may_step_down(cast):
    membership_change_role(actor=cast.owner, membership=cast.admin, role="owner")
    membership_change_role(actor=cast.owner, membership=cast.owner, role="admin")
    assert cast.owner.role == "admin"


def test_admins_cannot_grant_or_take_the_owner_role(cast):
    with pytest.raises(ValidationError, match="Only an owner"):
        membership_change_role(actor=cast.admin, membership=cast.viewer, role="owner")
    with pytest.raises(ValidationError, match="Only an owner"):
        membership_remove(actor=cast.admin, membership=cast.owner)
    with pytest.raises(ValidationError, match="Only an owner"):
        staff_invite(actor=cast.admin, email="boss@example.com", role="owner")


def test_role_changes_and_removals_are_in_the_activity_log(cast):
    client = signed_in(cast.owner)
    client.post(f"/a/acme/settings/team/{cast.viewer.pk}/role/", {"role": "manager"})
    client.post(f"/a/acme/settings/team/{cast.technician.pk}/remove/")
    log = Activity.objects.filter(account=cast.account)
    changed = log.get(verb="member.role_changed")
    assert changed.changes == {"role": ["viewer", "manager"]} and changed.actor == cast.owner.user
    assert log.filter(verb="member.removed", target_repr=cast.technician.user.email).exists()
    assert not Membership.objects.filter(pk=cast.technician.pk).exists()
    page = client.get("/a/acme/settings/activity/")
    assert "Owner of acme changed Viewer's role from Viewer to Manager" in entries(page.text)


def test_removed_people_lose_the_account_at_once(cast):
    viewer = signed_in(cast.viewer)
    assert viewer.get("/a/acme/").status_code == 200
    membership_remove(actor=cast.owner, membership=cast.viewer)
    assert viewer.get("/a/acme/").status_code == 404


def test_an_owner_limits_a_member_to_some_clients_by_prefix(cast):
    from clientdesk.clients.queries import clients_visible
    from clientdesk.clients.services import client_create

    for prefix in ("ALPHA", "BETA", "GAMMA"):
        client_create(account=cast.account, actor=None, prefix=prefix, name=prefix.title())
    owner = signed_in(cast.owner)
    url = f"/a/acme/settings/team/{cast.technician.pk}/clients/"
    owner.post(url, {"client_access": "allow", "prefixes": "alpha, Beta"})
    technician = Membership.objects.get(pk=cast.technician.pk)
    assert sorted(clients_visible(technician).values_list("prefix", flat=True)) == [
        "ALPHA",
        "BETA",
    ]
    page = owner.post(url, {"client_access": "deny", "prefixes": "NOPE"}, follow=True)
    assert "No client has the prefix NOPE" in page.text
    owner.post(url, {"client_access": "deny", "prefixes": "GAMMA"})
    technician = Membership.objects.get(pk=cast.technician.pk)
    assert sorted(clients_visible(technician).values_list("prefix", flat=True)) == [
        "ALPHA",
        "BETA",
    ]
    assert "All but" in owner.get("/a/acme/settings/team/").text
    refused = owner.post(
        f"/a/acme/settings/team/{cast.admin.pk}/clients/",
        {"client_access": "allow", "prefixes": "ALPHA"},
        follow=True,
    )
    assert "Owners and admins always see every client" in refused.text
    assert Activity.objects.filter(verb="member.client_access_changed").count() == 2
