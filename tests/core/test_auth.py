import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from clientdesk.core.models import Message
from clientdesk.core.services import membership_add, user_create
from tests.factories import PASSWORD


def sign_in(client: Client, email: str, password: str):
    return client.post("/sign-in/", {"username": email, "password": password})


def test_signing_in_leads_to_the_persons_account(cast):
    client = Client()
    response = sign_in(client, cast.manager.user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert client.get("/").url == "/a/acme/"


def test_a_wrong_password_says_so_and_signs_nobody_in(cast):
    client = Client()
    page = sign_in(client, cast.manager.user.email, "not-the-password")
    assert page.status_code == 200
    assert "The email or the password is wrong." in page.text
    assert client.get("/a/acme/").status_code == 302


def test_the_sign_in_error_says_only_the_password_is_case_sensitive(cast):
    page = sign_in(Client(), cast.manager.user.email.upper(), "NOT-the-password")
    text = page.text.replace("&#x27;", "'")
    assert "The email or the password is wrong." in text
    assert "Capitals count in the password, not in the email." in text
    assert "case-sensitive" not in text
    assert "Note that both fields" not in text


def test_an_email_signs_in_whatever_its_case_and_shows_as_it_was_typed(db):
    user = user_create(email="  Ada.Lovelace@Example.ORG ", password=PASSWORD, name="")
    assert user.email == "Ada.Lovelace@Example.ORG"
    for typed in ("ada.lovelace@example.org", "ADA.LOVELACE@EXAMPLE.ORG", user.email):
        client = Client()
        assert sign_in(client, typed, PASSWORD).status_code == 302
    with pytest.raises(ValidationError):
        user_create(email="ada.lovelace@example.org", password=PASSWORD)


def test_sign_in_locks_after_five_failures_even_with_the_right_password(cast):
    client = Client()
    for _ in range(5):
        sign_in(client, cast.viewer.user.email, "wrong-password")
    locked = sign_in(client, cast.viewer.user.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    # Another person from the same place is not locked out by it.
    assert sign_in(Client(), cast.manager.user.email, PASSWORD).status_code == 302


def mixed_cases(email: str) -> list[str]:
    """The same email as people type it: any case, stray spaces around it."""
    return [email.upper(), f"  {email.title()}", f"{email.swapcase()} ", email, email.capitalize()]


@pytest.mark.parametrize("limit", [5, 10])
def test_failures_count_per_person_whatever_the_case_of_the_email_typed(cast, settings, limit):
    settings.AXES_FAILURE_LIMIT = limit  # CLIENTDESK_LOGIN_FAILURE_LIMIT
    typed = mixed_cases(cast.viewer.user.email)
    client = Client()
    for n in range(limit - 1):
        page = sign_in(client, typed[n % len(typed)], "wrong-password")
        assert "The email or the password is wrong." in page.text
    assert sign_in(client, typed[limit % len(typed)], "wrong-password").status_code == 429
    for email in typed:  # locked in every case, even with the right password
        locked = sign_in(client, email, PASSWORD)
        assert locked.status_code == 429
        assert "Too many failed sign-ins" in locked.text
    assert client.get("/a/acme/").status_code == 302


def test_ten_failures_in_mixed_case_lock_the_person_out(cast):
    typed = mixed_cases(cast.viewer.user.email)
    client = Client()
    for n in range(10):
        sign_in(client, typed[n % len(typed)], "wrong-password")
    assert sign_in(client, cast.viewer.user.email.upper(), PASSWORD).status_code == 429
    assert sign_in(Client(), cast.manager.user.email.upper(), PASSWORD).status_code == 302


def test_signed_out_people_are_sent_to_sign_in_and_come_back(cast):
    response = Client().get("/a/acme/settings/team/")
    assert response.status_code == 302
    assert response.url == "/sign-in/?next=/a/acme/settings/team/"


def test_signing_out_takes_a_post(cast):
    client = Client()
    client.force_login(cast.viewer.user)
    assert client.get("/sign-out/").status_code == 405
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/a/acme/").status_code == 302


def test_a_forgotten_password_is_reset_through_an_emailed_link(cast, run_tasks):
    client = Client()
    response = client.post("/password-reset/", {"email": cast.viewer.user.email})
    assert response.status_code == 302
    run_tasks()
    message = Message.objects.get(kind="password_reset")
    assert message.to == cast.viewer.user.email and message.state == "sent"
    link = re.search(r"https?://[^/\s]+(/reset/\S+/)", message.body_text).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-77", "new_password2": "brand-new-secret-77"},
    )
    assert done.status_code == 302
    assert sign_in(Client(), cast.viewer.user.email, "brand-new-secret-77").status_code == 302
    assert client.get(link, follow=True).context["validlink"] is False


def test_an_unknown_address_gets_the_same_answer_and_no_email(db):
    response = Client().post("/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert not Message.objects.exists()


def test_reset_emails_to_one_address_stop_after_three_an_hour(cast, run_tasks):
    """Asking again and again fills nobody's inbox; the answer stays the same."""
    email = cast.viewer.user.email
    answers = [Client().post("/password-reset/", {"email": email}) for _ in range(5)]
    assert {(a.status_code, a.url) for a in answers} == {(302, "/password-reset/sent/")}
    assert Message.objects.filter(kind="password_reset", to=email).count() == 3
    # Another address is not held back by this one.
    Client().post("/password-reset/", {"email": cast.manager.user.email})
    assert Message.objects.filter(kind="password_reset", to=cast.manager.user.email).count() == 1
    # An hour later, a link can be sent again.
    Message.objects.filter(to=email).update(created_at=timezone.now() - timedelta(minutes=61))
    Client().post("/password-reset/", {"email": email})
    assert Message.objects.filter(kind="password_reset", to=email).count() == 4


def test_a_person_in_several_accounts_chooses_and_switches(cast):
    membership_add(account=cast.other_account, user=cast.viewer.user, role="viewer", actor=None)
    client = Client()
    client.force_login(cast.viewer.user)
    chooser = client.get("/")
    assert chooser.status_code == 200
    assert "Acme IT" in chooser.text and "Globex Services" in chooser.text
    page = client.get("/a/globex/")
    assert "Globex Services" in page.text and 'href="/a/acme/"' in page.text  # the switcher
    assert client.get("/").url == "/a/globex/"  # remembered


@pytest.mark.parametrize("path", ["/a/acme/", "/a/no-such-account/"])
def test_a_non_member_gets_the_same_404_for_a_real_and_a_missing_account(cast, path):
    client = Client()
    client.force_login(cast.outsider.user)
    response = client.get(path)
    assert response.status_code == 404
    assert "Nothing here" in response.text
