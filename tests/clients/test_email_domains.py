"""A client's email domains (for inbound mail): cleaned, one client per domain, edited on the
client's edit form and through the API."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as WebClient

from clientdesk.clients.services import client_update
from clientdesk.integrations.services import api_token_create
from tests.clients.factories import make_client


def test_domains_are_cleaned_and_a_domain_belongs_to_one_client(cast):
    alpha = make_client(cast, prefix="ALPHA", email_domains=["@Alpha.Example", "alpha.example"])
    assert alpha.email_domains == ["alpha.example"]
    bravo = make_client(cast, prefix="BRAVO")
    with pytest.raises(ValidationError) as refused:
        client_update(client=bravo, actor=cast.owner, version=None, email_domains=["ALPHA.example"])
    assert refused.value.message_dict["email_domains"] == [
        f"alpha.example already belongs to {alpha.name}; a domain can match one client only."
    ]
    with pytest.raises(ValidationError):
        client_update(client=bravo, actor=cast.owner, version=None, email_domains=["not a domain"])
    # Another account's client may claim the same domain.
    make_client(cast.other_account, prefix="GLOB", email_domains=["alpha.example"])
    bravo = client_update(
        client=bravo, actor=cast.owner, version=None, email_domains="bravo.example, b.example"
    )
    assert bravo.email_domains == ["bravo.example", "b.example"]


def test_the_edit_form_takes_domains_as_a_line(cast):
    client = make_client(cast, prefix="ALPHA", name="Alpha")
    browser = WebClient()
    browser.force_login(cast.manager.user)
    page = browser.get(f"/a/acme/clients/{client.pk}/edit/")
    assert 'name="email_domains"' in page.text
    data = {
        "version": client.version,
        "prefix": "ALPHA",
        "name": "Alpha",
        "email_domains": "alpha.example,  Alpha-Group.example",
    }
    answer = browser.post(f"/a/acme/clients/{client.pk}/edit/", data)
    assert answer.status_code == 302
    client.refresh_from_db()
    assert client.email_domains == ["alpha.example", "alpha-group.example"]
    assert "alpha.example, alpha-group.example" in browser.get(f"/a/acme/clients/{client.pk}/").text
    data["version"], data["email_domains"] = client.version, "x@y"
    answer = browser.post(f"/a/acme/clients/{client.pk}/edit/", data)
    assert answer.status_code == 400 and "is not a domain" in answer.text


def test_the_api_shows_and_patches_domains(cast):
    client = make_client(cast, prefix="ALPHA", email_domains=["alpha.example"])
    make_client(cast, prefix="BRAVO", name="Bravo", email_domains=["bravo.example"])
    _token, raw = api_token_create(membership=cast.manager, name="t", actor=cast.manager)
    api = WebClient(headers={"Authorization": f"Bearer {raw}"})
    url = f"/api/v1/clients/{client.pk}"
    assert api.get(url).json()["email_domains"] == ["alpha.example"]
    patch = {"version": client.version, "email_domains": ["Alpha.example", "alpha.co.example"]}
    answer = api.patch(url, json.dumps(patch), content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["email_domains"] == ["alpha.example", "alpha.co.example"]
    patch = {"version": answer.json()["version"], "email_domains": ["bravo.example"]}
    answer = api.patch(url, json.dumps(patch), content_type="application/json")
    assert answer.status_code == 422
    assert "belongs to Bravo" in answer.json()["errors"]["email_domains"][0]
