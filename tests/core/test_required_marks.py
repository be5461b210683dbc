"""Required fields are marked with an asterisk, and the form says once what it means (issue 12,
point 2); the label itself stays the field's name."""

import re


def marked(html: str) -> set[str]:
    return set(re.findall(r'<label for="id_(\w+)">[^<]*</label><span class="required-mark"', html))


def test_the_add_client_form_marks_what_must_be_filled(cast, client):
    client.force_login(cast.manager.user)
    html = client.get("/a/acme/clients/new/").text
    assert html.count("are required.") == 1
    assert {"prefix", "name", "status"} <= marked(html)
    assert not {"description", "industry", "parent", "license", "tags"} & marked(html)


def test_settings_and_sign_in_mark_their_required_fields_too(cast, client):
    client.force_login(cast.owner.user)
    html = client.get("/a/acme/settings/").text  # the account form: every field required
    assert "are required." in html
    client.logout()
    html = client.get("/sign-in/").text
    assert {"username", "password"} <= marked(html)
