"""Every page answers with a strict CSP, and no page carries inline script or style."""

import re

import pytest
from django.test import Client

from clientdesk.core.emails import email_queue
from tests.security.walker import ACCOUNT_PREFIX, routes

PAGES_WITHOUT_OBJECTS = [r for r in routes() if not [p for p in r.params if p != "account_slug"]]


@pytest.fixture
def owner_client(cast):
    client = Client()
    client.force_login(cast.owner.user)
    return client


def assert_strict(response) -> None:
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in inline), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"<[a-z][^>]*\sstyle\s*=", html), "inline style attribute"


def test_every_page_without_parameters_has_a_strict_csp_and_no_inline_code(owner_client):
    checked = 0
    for route in PAGES_WITHOUT_OBJECTS:
        if route.route.startswith("api/") and route.name != "api:openapi-view":
            continue
        client = owner_client if route.route.startswith(ACCOUNT_PREFIX) else Client()
        response = client.get(route.path({"account_slug": "acme"}), follow=True)
        if response.status_code == 405 or response.streaming:
            continue  # a refused method, or a download (an export): no page to check
        assert response.status_code == 200, route.route
        assert_strict(response)
        checked += 1
    assert checked >= 10


def test_pages_with_objects_and_error_pages_are_strict_too(cast, owner_client):
    message = email_queue(
        account=cast.account,
        to="a@example.com",
        kind="test",
        template="core/email/password_reset",
        context={"email": "a", "uid": "MQ", "token": "t"},
    )
    for path, status in [
        (f"/a/acme/settings/outbox/{message.pk}/", 200),
        ("/a/acme/nope/", 404),
        ("/a/globex/", 404),
    ]:
        response = owner_client.get(path)
        assert response.status_code == status
        assert_strict(response)
    viewer = Client()
    viewer.force_login(cast.viewer.user)
    forbidden = viewer.get("/a/acme/settings/team/")
    assert forbidden.status_code == 403 and "Your role does not allow this" in forbidden.text
    assert_strict(forbidden)
