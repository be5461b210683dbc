"""The imports API of DESIGN §7: POST /api/v1/imports (multipart), GET /api/v1/imports/{id}."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from clientdesk.clients.models import Client as ClientModel
from clientdesk.integrations.services import api_token_create
from clientdesk.transfer import services
from clientdesk.transfer.models import ImportJob
from tests.api.test_clients_api import assert_refused
from tests.clients.factories import make_client

URL = "/api/v1/imports"
GOOD = "Prefix,Name,Favourite colour\r\nACME,Acme Dental,blue\r\nBPM,Blue Peak Media,red\r\n"
WITH_MISTAKE = "Prefix,Name\r\nACME,Acme Dental\r\nNONAME,\r\nBPM,Blue Peak Media\r\n"


class Uploader:
    """Multipart requests with one membership's token."""

    def __init__(self, membership):
        _t, raw = api_token_create(membership=membership, name="Test", actor=membership.user)
        self.http = HttpClient(headers={"authorization": f"Bearer {raw}"})

    def post(self, text: str | None = GOOD, name="clients.csv", **fields):
        data = {"kind": "clients", **fields}
        if text is not None:
            data["file"] = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
        return self.http.post(URL, data)

    def get(self, job_id):
        return self.http.get(f"{URL}/{job_id}")


@pytest.fixture
def manager(cast):
    return Uploader(cast.manager)


def test_an_upload_answers_202_and_the_job_runs_in_the_background(cast, manager, finish):
    response = finish(manager.post, GOOD)
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["state"] == "queued" and queued["progress"] == 0 and queued["errors"] == []
    body = manager.get(queued["id"]).json()
    assert body["kind"] == "clients" and body["mode"] == "upsert" and body["dry_run"] is False
    assert body["state"] == "done" and body["progress"] == 100
    assert body["counts"] == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    assert body["errors"] == []
    assert body["filename"] == "clients.csv"
    assert body["columns"] == [
        {"header": "Prefix", "field": "prefix"},
        {"header": "Name", "field": "name"},
        {"header": "Favourite colour", "field": ""},
    ]
    assert body["created_at"] and body["finished_at"]
    assert set(ClientModel.objects.values_list("prefix", flat=True)) == {"ACME", "BPM"}


def test_no_upload_runs_inside_the_request(cast, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = manager.post(GOOD)
    assert response.status_code == 202 and len(queued) == 1  # the task, queued on commit
    assert ClientModel.objects.count() == 0
    assert ImportJob.objects.get().state == "queued"


def test_a_dry_run_writes_nothing_and_names_the_rejected_rows(cast, manager, finish):
    job_id = finish(manager.post, WITH_MISTAKE, dry_run="true").json()["id"]
    body = manager.get(job_id).json()
    assert body["dry_run"] is True and body["state"] == "done"
    assert body["counts"]["rows"] == 3 and body["counts"]["created"] == 2
    assert body["counts"]["rejected"] == 1
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "Name")]
    assert body["errors"][0]["message"]
    assert ClientModel.objects.count() == 0


def test_create_mode_rejects_a_row_whose_prefix_exists(cast, manager, finish):
    make_client(cast, prefix="BPM", name="Blue Peak")
    body = manager.get(finish(manager.post, GOOD, mode="create").json()["id"]).json()
    assert body["counts"]["created"] == 1 and body["counts"]["rejected"] == 1
    assert body["errors"][0]["row"] == 3


def test_a_file_without_a_required_column_is_422_and_leaves_no_job(cast, manager):
    response = manager.post("Name\r\nAcme\r\n")
    message = assert_refused(response, "mapping")
    assert "Prefix" in message
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "tickets"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"mode": "merge"}, "mode"),
    ],
)
def test_an_unknown_kind_or_mode_is_422_on_that_field(cast, manager, fields, field):
    assert_refused(manager.post(GOOD, **fields), field)
    assert ImportJob.objects.count() == 0


def test_a_missing_file_is_422_on_the_file(cast, manager):
    assert_refused(manager.post(None), "file")


def test_a_file_that_is_not_csv_or_xlsx_is_422_on_the_file(cast, manager):
    assert_refused(manager.post("%PDF-1.4", name="clients.pdf"), "file")


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_roles_without_the_import_right_get_403(cast, role):
    job = services.import_create(
        account=cast.account,
        membership=cast.manager,
        kind="clients",
        upload=SimpleUploadedFile("c.csv", GOOD.encode()),
    )
    uploader = Uploader(cast.member(role))
    assert uploader.post(GOOD).status_code == 403
    assert uploader.get(job.pk).status_code == 403
    assert ImportJob.objects.count() == 1


def test_another_accounts_import_is_404_and_a_huge_id_too(cast, manager):
    job = services.import_create(
        account=cast.other_account,
        membership=cast.outsider,
        kind="clients",
        upload=SimpleUploadedFile("c.csv", GOOD.encode()),
    )
    response = manager.get(job.pk)
    assert response.status_code == 404
    assert response.json()["detail"]
    assert manager.get(2**64).status_code in (404, 422)


def test_no_token_is_401(cast):
    assert HttpClient().get(f"{URL}/1").status_code == 401
    assert HttpClient().post(URL, {"kind": "clients"}).status_code == 401


def test_the_template_path_is_not_taken_for_an_import_id(cast, manager):
    response = manager.http.get(f"{URL}/template", {"kind": "clients", "format": "csv"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")


DATED = "Prefix,Name,Status since\r\nAPR,April,03/04/2024\r\nMAR,March,25/03/2024\r\n"


def test_the_job_says_how_its_dates_were_read(cast, manager, finish):
    response = finish(manager.post, DATED)
    body = manager.get(response.json()["id"]).json()
    assert body["dates"] == [
        {
            "field": "status_since",
            "order": "dmy",
            "source": "file",
            "evidence": "25/03/2024",
            "ambiguous": 1,
            "samples": [
                {"text": "03/04/2024", "read": "2024-04-03"},
                {"text": "25/03/2024", "read": "2024-03-25"},
            ],
        }
    ]


def test_date_order_reads_every_date_column_so(cast, manager, finish):
    text = "Prefix,Name,Status since\r\nAPR,April,03/04/2024\r\n"
    response = finish(manager.post, text, date_order="mdy")
    body = manager.get(response.json()["id"]).json()
    assert body["dates"][0]["order"] == "mdy" and body["dates"][0]["source"] == "chosen"
    april = ClientModel.objects.get(prefix="APR")
    assert april.status_changed_at.date().isoformat() == "2024-03-04"


def test_an_unknown_date_order_is_a_422(cast, manager):
    assert manager.post(GOOD, date_order="ymd").status_code == 422
