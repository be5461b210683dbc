import pytest
from django.test import Client

from clientdesk.integrations.models import ApiToken
from clientdesk.integrations.services import api_token_create, api_token_revoke
from tests.factories import make_member


def api(token: str | None) -> Client:
    return Client(headers={"authorization": f"Bearer {token}"} if token else {})


@pytest.fixture
def token(cast):
    _t, raw = api_token_create(membership=cast.manager, name="Sync", actor=cast.owner.user)
    return raw


def test_account_answers_the_tokens_account(cast, token):
    response = api(token).get("/api/v1/account")
    assert response.status_code == 200
    assert response.json() == {
        "slug": "acme",
        "name": "Acme IT",
        "time_zone": "UTC",
        "currency": "EUR",
        "ticket_number_format": "{client}-{seq}",
        "account_code": "ACME",
    }


def test_another_accounts_token_sees_its_own_account_only(cast):
    _t, raw = api_token_create(membership=cast.outsider, name="Other", actor=cast.outsider.user)
    assert api(raw).get("/api/v1/account").json()["slug"] == "globex"


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer cd_wrong", "Basic abc"])
def test_a_missing_or_unknown_token_gets_401_with_the_error_shape(db, header):
    client = Client(headers={"authorization": header} if header else {})
    response = client.get("/api/v1/account")
    assert response.status_code == 401
    assert response.json() == {"detail": "Missing, unknown or revoked API token.", "errors": {}}


def test_a_revoked_token_stops_working_at_once(cast, token):
    assert api(token).get("/api/v1/account").status_code == 200
    api_token_revoke(token=ApiToken.objects.get(), actor=cast.owner.user)
    assert api(token).get("/api/v1/account").status_code == 401


def test_a_token_stops_working_when_its_person_leaves_the_team(cast, token):
    cast.manager.delete()
    assert api(token).get("/api/v1/account").status_code == 401


def test_the_token_is_stored_only_as_a_hash_and_records_its_last_use(cast, token):
    stored = ApiToken.objects.get()
    assert token not in (stored.token_hash, stored.prefix) and token.startswith(stored.prefix)
    assert stored.last_used_at is None
    api(token).get("/api/v1/account")
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_openapi_lists_the_account_endpoint_and_the_docs_page_loads(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/account" in schema["paths"]
    assert "401" in schema["paths"]["/api/v1/account"]["get"]["responses"]
    assert Client().get("/api/v1/docs").status_code == 200


def test_members_come_back_over_the_cursor_exactly_once(cast, token):
    for _ in range(23):
        make_member(cast.account, "viewer")
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/members?limit=10" + (f"&cursor={cursor}" if cursor else "")
        body = api(token).get(url).json()
        seen += [m["email"] for m in body["items"]]
        cursor, pages = body["next"], pages + 1
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5 + 23
    assert "owner-globex@example.com" not in seen


def test_a_forged_cursor_is_a_400_naming_the_cursor(cast, token):
    response = api(token).get("/api/v1/members?cursor=not-base64!")
    assert response.status_code == 400
    assert response.json()["errors"] == {"cursor": ["cursor is not one this server gave"]}


def test_a_malformed_parameter_is_a_422_naming_the_field(cast, token):
    response = api(token).get("/api/v1/members?limit=lots")
    assert response.status_code == 422
    assert "limit" in response.json()["errors"]


def test_the_members_list_costs_the_same_queries_whatever_its_length(
    cast, token, django_assert_num_queries
):
    api(token).get("/api/v1/account")  # the first use records last_used_at: one write
    # token, membership, one page of members (users joined in)
    with django_assert_num_queries(3):
        assert len(api(token).get("/api/v1/members?limit=2").json()["items"]) == 2
    for _ in range(30):
        make_member(cast.account, "viewer")
    with django_assert_num_queries(3):
        assert len(api(token).get("/api/v1/members?limit=30").json()["items"]) == 30


def test_a_body_that_is_not_json_gets_400_in_the_error_shape(cast, token):
    response = api(token).post("/api/v1/clients", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body", "errors": {}}


def test_a_cursor_made_for_another_order_is_refused(cast, token):
    from tests.clients.factories import make_client

    for _ in range(3):
        make_client(cast)
    first = api(token).get("/api/v1/clients?limit=1&order=name").json()
    response = api(token).get(f"/api/v1/clients?limit=1&order=-created&cursor={first['next']}")
    assert response.status_code == 400 and "cursor" in response.json()["errors"]


def test_owners_set_the_ticket_number_format_and_code(cast):
    from clientdesk.tickets.services import ticket_create
    from tests.api.test_clients_api import Api
    from tests.clients.factories import make_client

    owner = Api(cast.owner)
    changed = owner.patch(
        "/api/v1/account",
        {"ticket_number_format": "{client}-{account}-{seq}", "account_code": "swe"},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["account_code"] == "SWE"
    cast.account.refresh_from_db()
    client = make_client(cast, prefix="BPM")
    assert ticket_create(client=client, actor=None, title="x").number == "BPM-SWE-001"
    bad = owner.patch("/api/v1/account", {"ticket_number_format": "{seq}-{year}"})
    assert bad.status_code == 422 and "ticket_number_format" in bad.json()["errors"]
    bad = owner.patch("/api/v1/account", {"account_code": "a"})
    assert bad.status_code == 422 and "account_code" in bad.json()["errors"]
    assert Api(cast.manager).patch("/api/v1/account", {"name": "X"}).status_code == 403
