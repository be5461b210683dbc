"""A person's own page (issue 12, point 11): name and email, a password change that asks for
the current password, and the accounts they belong to with their role in each."""

import html
import re

import pytest
from django.test import Client

from clientdesk.core.services import membership_add
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a-longer-new-secret-42"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def menu_email(response) -> str:
    """The email the profile menu shows, as a person reads it (without the <wbr> breaks)."""
    found = re.search(r"data-profile-email>(.*?)</div>", response.content.decode())
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def sign_in(email: str, password: str) -> Client:
    client = Client()
    client.post("/sign-in/", {"username": email, "password": password})
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/a/acme/").status_code == 200


def test_the_profile_menu_leads_to_the_page_that_lists_every_account_and_role(cast):
    membership_add(account=cast.other_account, user=cast.viewer.user, role="manager", actor=None)
    client = signed_in(cast.viewer.user)
    home = text_of(client.get("/a/acme/"))
    assert 'href="/a/acme/profile/"' in home
    page = client.get("/a/globex/profile/")  # from any of the person's accounts
    assert page.status_code == 200
    text = text_of(page)
    assert "Your profile" in text and cast.viewer.user.email in text
    rows = text.split('class="profile-accounts"')[1]
    assert "Acme IT" in rows and "Viewer" in rows
    assert "Globex Services" in rows and "Manager" in rows


def test_a_member_of_another_account_gets_404_for_its_profile_url(cast):
    assert signed_in(cast.outsider.user).get("/a/acme/profile/").status_code == 404
    assert Client().get("/a/acme/profile/").status_code == 302  # signed out: sign in first


def test_the_name_changes_without_the_password(cast):
    user = cast.viewer.user
    response = signed_in(user).post(
        "/a/acme/profile/", {"name": "  Vera Viewer ", "email": user.email}, follow=True
    )
    assert "Your details are saved." in text_of(response)
    user.refresh_from_db()
    assert user.name == "Vera Viewer"
    assert "Vera Viewer" in text_of(response)  # the menu's name


def test_a_new_email_needs_the_current_password_and_then_signs_in_in_any_case(cast):
    user = cast.viewer.user
    old_email = user.email
    client = signed_in(user)
    refused = client.post("/a/acme/profile/", {"name": "", "email": "Vera.V@Example.ORG"})
    assert refused.status_code == 400
    assert "Type your current password to change your email." in text_of(refused)
    wrong = client.post(
        "/a/acme/profile/",
        {"name": "", "email": "Vera.V@Example.ORG", "current_password": "not-it"},
    )
    assert wrong.status_code == 400
    user.refresh_from_db()
    assert user.email == old_email
    assert menu_email(wrong) == old_email  # the menu still shows the saved one

    saved = client.post(
        "/a/acme/profile/",
        {"name": "", "email": " Vera.V@Example.ORG ", "current_password": PASSWORD},
        follow=True,
    )
    user.refresh_from_db()
    assert user.email == "Vera.V@Example.ORG"  # as typed
    assert menu_email(saved) == "Vera.V@Example.ORG"  # the menu shows it as typed
    assert is_signed_in(sign_in("vera.v@example.org", PASSWORD))
    assert not is_signed_in(sign_in(old_email, PASSWORD))


def test_a_changed_case_of_ones_own_email_needs_no_password(cast):
    user = cast.viewer.user
    typed = user.email.upper()
    response = signed_in(user).post("/a/acme/profile/", {"name": "", "email": typed})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == typed


@pytest.mark.parametrize("taken", ["lower", "upper"])
def test_an_email_someone_else_uses_is_refused_whatever_its_case(cast, taken):
    other = make_user("Taken@Example.com")
    email = other.email.lower() if taken == "lower" else other.email.upper()
    response = signed_in(cast.viewer.user).post(
        "/a/acme/profile/", {"name": "", "email": email, "current_password": PASSWORD}
    )
    assert response.status_code == 400
    assert "Someone already uses this email address." in text_of(response)


def test_a_malformed_email_is_refused_beside_its_field(cast):
    response = signed_in(cast.viewer.user).post(
        "/a/acme/profile/", {"name": "", "email": "not an email", "current_password": PASSWORD}
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in text_of(response)


def test_the_password_changes_with_the_current_one_and_the_session_stays(cast):
    user = cast.viewer.user
    here = signed_in(user)
    elsewhere = sign_in(user.email, PASSWORD)
    assert is_signed_in(elsewhere)

    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    refused = here.post("/a/acme/profile/password/", {**data, "old_password": "not-it"})
    assert refused.status_code == 400
    assert "This is not your current password." in text_of(refused)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    changed = here.post(
        "/a/acme/profile/password/", {**data, "old_password": PASSWORD}, follow=True
    )
    assert "Your password is changed." in text_of(changed)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert is_signed_in(here)  # this session stays
    assert not is_signed_in(elsewhere)  # the others end
    assert is_signed_in(sign_in(user.email, NEW_PASSWORD))


def test_a_weak_or_mismatched_new_password_is_refused(cast):
    client = signed_in(cast.viewer.user)
    weak = client.post(
        "/a/acme/profile/password/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert weak.status_code == 400
    assert "too short" in text_of(weak)
    mismatch = client.post(
        "/a/acme/profile/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other-9x"},
    )
    assert mismatch.status_code == 400
    assert "didn't match" in text_of(mismatch) or "didn’t match" in text_of(mismatch)
    assert cast.viewer.user.check_password(PASSWORD)


def test_the_password_page_takes_only_post(cast):
    assert signed_in(cast.viewer.user).get("/a/acme/profile/password/").status_code == 405


def test_own_changes_are_in_the_log_of_every_account_of_the_person(cast):
    from clientdesk.audit.models import Activity

    user = cast.viewer.user
    membership_add(account=cast.other_account, user=user, role="manager", actor=None)
    client = signed_in(user)
    client.post(
        "/a/acme/profile/",
        {"name": "Vera V", "email": "vera.new@example.org", "current_password": PASSWORD},
    )
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post("/a/acme/profile/password/", data).status_code == 302
    log = text_of(signed_in(cast.owner.user).get("/a/acme/settings/activity/"))
    assert "Vera V changed their name and email address" in log
    assert "vera.new@example.org" in log
    assert "changed their password (other sign-ins ended)" in log
    # The other account's log says it too; nothing of the password itself is kept.
    for account in (cast.account, cast.other_account):
        verbs = set(Activity.objects.filter(account=account).values_list("verb", flat=True))
        assert {"member.details_changed", "member.password_changed"} <= verbs
    assert NEW_PASSWORD not in str(list(Activity.objects.values_list("changes", flat=True)))
