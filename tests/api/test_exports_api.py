"""GET /api/v1/clients/export and GET /api/v1/imports/template (DESIGN §7), with real tokens."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client as HttpClient

from clientdesk.clients.models import Industry
from clientdesk.clients.services import client_set_archived, client_set_tags
from clientdesk.core.services import membership_set_client_access
from clientdesk.integrations.services import api_token_create
from clientdesk.transfer.kinds import CLIENTS, CONTACTS
from tests.clients.factories import make_client

EXPORT = "/api/v1/clients/export"
TEMPLATE = "/api/v1/imports/template"


def api(membership) -> HttpClient:
    _t, raw = api_token_create(membership=membership, name="Test", actor=membership.user)
    return HttpClient(headers={"authorization": f"Bearer {raw}"})


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode(), newline="")))


def prefixes(response) -> list[str]:
    return [row[0] for row in csv_rows(response)[1:]]


def refused(response, field: str, status: int = 422) -> list[str]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"] and body["errors"].get(field), body
    return body["errors"][field]


@pytest.fixture
def roster(cast):
    legal = Industry.objects.get(account=cast.account, name="Legal")
    bpm = make_client(cast, prefix="BPM", name="Blue Peak Media", industry=legal)
    client_set_tags(client=bpm, actor=None, names=["vip"])
    zed = make_client(cast, prefix="ZED", name="=Zed", status="lead", manager=cast.manager.user)
    old = make_client(cast, prefix="OLD", name="Old Corp")
    client_set_archived(client=old, actor=None, archived=True)
    return {"bpm": bpm, "zed": zed, "old": old}


def test_the_export_streams_the_clients_in_the_import_columns(cast, roster):
    rows = csv_rows(api(cast.manager).get(EXPORT))
    assert rows[0] == [str(c.label) for c in CLIENTS.columns]
    # By name ("=" sorts before letters), the archived one left out.
    assert [r[0] for r in rows[1:]] == ["ZED", "BPM"]
    assert rows[1][1] == "'=Zed"  # neutralised in CSV


def test_the_export_as_xlsx_is_a_streamed_file_with_string_cells(cast, roster):
    response = api(cast.manager).get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.values)
    assert rows[1][:2] == ("ZED", "=Zed")
    assert response["Content-Disposition"].startswith('attachment; filename="clientdesk-clients-')


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "lead"}, ["ZED"]),
        ({"status": "lead,active", "order": "prefix"}, ["BPM", "ZED"]),
        ({"engagement": "silent", "q": "blue"}, ["BPM"]),
        ({"industry": "legal"}, ["BPM"]),
        ({"tag": "VIP"}, ["BPM"]),
        ({"archived": "true"}, ["OLD"]),
        ({"order": "-prefix"}, ["ZED", "BPM"]),
        ({"industry": "no such industry"}, []),
        ({"tag": "nothing"}, []),
        ({"manager": "nobody@example.com"}, []),
    ],
)
def test_the_export_takes_the_filters_of_the_clients_list(cast, roster, params, expected):
    assert prefixes(api(cast.manager).get(EXPORT, params)) == expected


def test_the_export_filters_by_manager_email_and_parent(cast, roster):
    child = make_client(cast, prefix="KID", parent=roster["bpm"])
    manager = api(cast.manager)
    assert prefixes(manager.get(EXPORT, {"manager": cast.manager.user.email.upper()})) == ["ZED"]
    assert prefixes(manager.get(EXPORT, {"parent": roster["bpm"].pk})) == [child.prefix]


def test_the_export_answers_the_same_as_the_list_for_the_same_filters(cast, roster):
    manager = api(cast.manager)
    params = {"status": "active,lead", "order": "-name"}
    listed = [c["prefix"] for c in manager.get("/api/v1/clients", params).json()["items"]]
    assert prefixes(manager.get(EXPORT, params)) == listed


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({"status": "dormant"}, "status"),
        ({"engagement": "loud"}, "engagement"),
        ({"order": "colour"}, "order"),
        ({"q": "a\x00b"}, "q"),
        ({"parent": "0"}, "parent"),
    ],
)
def test_a_bad_export_request_is_refused_naming_the_field(cast, params, field):
    refused(api(cast.manager).get(EXPORT, params), field)


def test_restricted_staff_export_only_the_clients_they_may_see(cast, roster):
    membership_set_client_access(
        actor=cast.owner,
        membership=cast.manager,
        access="allow",
        clients=[roster["zed"]],
    )
    assert prefixes(api(cast.manager).get(EXPORT)) == ["ZED"]


def test_exporting_below_a_hidden_parent_confirms_nothing(cast, roster):
    child = make_client(cast, prefix="KID", parent=roster["bpm"])
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="allow", clients=[child]
    )
    manager = api(cast.manager)
    assert prefixes(manager.get(EXPORT, {"parent": roster["bpm"].pk})) == []
    assert prefixes(manager.get(EXPORT, {"parent": 999999})) == []
    assert prefixes(manager.get(EXPORT)) == ["KID"]


def test_the_export_needs_the_export_role_and_a_token(cast, roster):
    for role in ("viewer", "technician"):
        response = api(cast.member(role)).get(EXPORT)
        assert response.status_code == 403
        assert response.json()["detail"]
    assert HttpClient().get(EXPORT).status_code == 401
    # Another account's token exports its own account's clients: none of ours.
    assert prefixes(api(cast.outsider).get(EXPORT)) == []


def test_export_is_not_taken_for_a_client_id(cast, roster):
    manager = api(cast.manager)
    assert isinstance(manager.get(EXPORT), StreamingHttpResponse)
    one = manager.get(f"/api/v1/clients/{roster['bpm'].pk}")
    assert one.status_code == 200 and one.json()["prefix"] == "BPM"
    assert manager.get("/api/v1/clients/999999999").status_code == 404


# Templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [CLIENTS, CONTACTS], ids=lambda k: k.name)
def test_the_csv_template_of_each_kind(cast, kind):
    response = api(cast.manager).get(TEMPLATE, {"kind": kind.name, "format": "csv"})
    assert response.status_code == 200
    assert isinstance(response, HttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="clientdesk-{kind.name}-template.csv"'
    )
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [str(c.label) for c in kind.columns]


def test_the_xlsx_template(cast):
    response = api(cast.manager).get(TEMPLATE, {"kind": "clients", "format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Import", "Columns", "Lists"]
    assert book["Import"]["A1"].value == "Prefix"


def test_the_template_format_defaults_to_csv(cast):
    response = api(cast.manager).get(TEMPLATE, {"kind": "contacts"})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbfClient prefix,")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "tickets"}, "kind"),
        ({}, "kind"),
        ({"kind": "clients", "format": "ods"}, "format"),
    ],
)
def test_a_bad_template_request_is_refused_naming_the_field(cast, params, field):
    refused(api(cast.manager).get(TEMPLATE, params), field)


def test_templates_are_for_the_roles_that_import(cast):
    assert api(cast.viewer).get(TEMPLATE, {"kind": "clients"}).status_code == 403
    assert HttpClient().get(TEMPLATE, {"kind": "clients"}).status_code == 401


def test_both_downloads_are_in_the_openapi_schema(cast):
    paths = HttpClient().get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths[EXPORT] and "get" in paths[TEMPLATE]
    assert set(paths[EXPORT]["get"]["responses"]) >= {"200", "403", "422"}
