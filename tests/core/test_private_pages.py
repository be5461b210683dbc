"""A signed-in person's pages are kept by no shared cache and by no browser's disk cache
(core.middleware.PrivatePagesMiddleware): staff pages, their htmx partials, their errors and
downloads. The portal's pages are in tests/portal/test_portal_pages.py."""

import pytest
from django.test import Client

from tests.clients.factories import make_client


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/a/acme/",
        "/a/acme/clients/",
        "/a/acme/clients/?q=acme",
        "/a/acme/settings/team/",
        "/a/acme/transfer/export/clients/",
        "/a/acme/clients/999999/",  # a 404 inside the account
        "/a/acme/clients/?q=a%00b",  # a 400
    ],
)
def test_signed_in_pages_are_private_and_never_stored(cast, path):
    make_client(cast, prefix="ACME", name="Acme Ltd")
    response = signed_in(cast.owner).get(path)
    assert {"private", "no-store"} <= directives(response), (path, response.status_code)
    assert "public" not in directives(response)


def test_htmx_partials_and_writes_are_private_too(cast):
    client = signed_in(cast.owner)
    partial = client.get("/a/acme/clients/", headers={"HX-Request": "true"})
    assert {"private", "no-store"} <= directives(partial)
    columns = client.post("/a/acme/clients/columns/", {"columns": ["name"], "page_size": 25})
    assert {"private", "no-store"} <= directives(columns)


def test_the_header_is_exactly_private_no_store_where_a_page_sets_none(cast):
    assert signed_in(cast.owner).get("/a/acme/clients/")["Cache-Control"] == "private, no-store"
