"""The OpenAPI document states what the server does (issue 17)."""

import json

import pytest
from django.test import Client as HttpClient
from openapi_spec_validator import validate

from clientdesk.integrations.services import api_token_create


@pytest.fixture
def document(db):
    return HttpClient().get("/api/v1/openapi.json").json()


@pytest.fixture
def http(cast):
    _t, raw = api_token_create(membership=cast.owner, name="Test", actor=cast.owner.user)
    return HttpClient(headers={"authorization": f"Bearer {raw}"})


def operations(document):
    return [
        (f"{method.upper()} {path}", op)
        for path, item in document["paths"].items()
        for method, op in item.items()
    ]


def test_the_document_is_valid_openapi_and_every_reference_resolves(document):
    validate(document)
    text = json.dumps(document)
    assert "#/$defs/" not in text
    for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:]}:
        node = document
        for key in ref.removeprefix("#/").split("/"):
            node = node[key]  # KeyError: a reference that does not resolve


def test_operation_ids_are_the_handlers_names_and_unique(document):
    ids = [op["operationId"] for _label, op in operations(document)]
    assert len(ids) == len(set(ids))
    assert "clients_create" in ids and "client_status" in ids


def test_every_operation_lists_its_errors_in_the_error_shape_with_an_example(document):
    for label, op in operations(document):
        responses = op["responses"]
        assert "401" in responses, label
        if "{" in label:
            assert "404" in responses, label
        if "requestBody" in op:
            assert {"400", "422"} <= responses.keys(), label
        for code, response in responses.items():
            if code.startswith("4"):
                content = response["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/ErrorOut"} or (
                    content["schema"]["$ref"].endswith("ConflictOut")
                ), label
                assert set(content["example"]) >= {"detail", "errors"}, (label, code)


def test_a_create_links_to_what_it_made(document):
    links = document["paths"]["/api/v1/clients"]["post"]["responses"]["201"]["links"]
    assert {"client_get", "client_patch", "client_remove", "contacts_create"} <= links.keys()
    assert links["client_get"]["parameters"] == {"path.client_id": "$response.body#/id"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/clients/abc",
        "/api/v1/clients/0",
        "/api/v1/clients/99999999999999999999/history",
        "/api/v1/contacts/null,null",
        "/api/v1/imports/abc",
        "/api/v1/imports/0",
        "/api/v1/no-such-thing",
        "/api/v1/clients/1/no-such-thing",
    ],
)
def test_a_malformed_id_or_an_unknown_path_is_a_json_404(http, path):
    response = http.get(path)
    assert response.status_code == 404
    assert response["content-type"].startswith("application/json")
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_a_multipart_body_that_cannot_be_read_is_a_400(http):
    response = http.post(
        "/api/v1/imports", b"--x\r\n", content_type="multipart/form-data; boundary="
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body", "errors": {}}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "active", "at": 0}, "at"),
        ({"status": "active", "at": "2026-01-01"}, "at"),
        ({"status": "active", "reason": 5}, "reason"),
    ],
)
def test_a_json_value_of_another_type_is_refused(http, cast, body, field):
    from tests.clients.factories import make_client

    client = make_client(cast, status="lead")
    response = http.post(
        f"/api/v1/clients/{client.pk}/status", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422 and field in response.json()["errors"], response.content
