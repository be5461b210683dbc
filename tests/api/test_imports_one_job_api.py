"""The imports API for issue 12: a checked import runs as the same job
(POST /api/v1/imports/{id}/run, 409 once what it checked has changed), and contacts imported into
one client (`client` on POST /api/v1/imports)."""

import pytest

from clientdesk.contacts.models import Contact
from clientdesk.transfer.models import ImportJob
from tests.api.test_imports_api import Uploader
from tests.clients.factories import make_client
from tests.transfer.test_import_access import deny

URL = "/api/v1/imports"
CLIENTS = "Prefix,Name\r\nACME,Acme Dental\r\nNONAME,\r\n"
PEOPLE = "First name,Email\r\nAda,ada@acme.example\r\nGrace,grace@acme.example\r\n"


@pytest.fixture
def manager(cast):
    return Uploader(cast.manager)


def run(uploader: Uploader, job_id):
    return uploader.http.post(f"{URL}/{job_id}/run")


def test_a_checked_import_runs_as_the_same_job(cast, manager, finish):
    checked = finish(manager.post, CLIENTS, dry_run="true").json()
    body = manager.get(checked["id"]).json()
    assert body["dry_run"] is True and body["state"] == "done"
    assert body["checked_at"] is None and body["check_counts"] is None

    started = finish(run, manager, checked["id"])
    assert started.status_code == 202, started.content
    assert started.json()["id"] == checked["id"] and started.json()["dry_run"] is False
    body = manager.get(checked["id"]).json()
    assert body["state"] == "done" and body["dry_run"] is False
    assert body["counts"] == {"rows": 2, "created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert body["check_counts"] == body["counts"] and body["checked_at"]
    assert [e["row"] for e in body["errors"]] == [3]
    assert ImportJob.objects.count() == 1

    again = run(manager, checked["id"])  # it ran already
    assert again.status_code == 409 and "Only a finished check" in again.json()["detail"]


def test_a_check_whose_data_changed_answers_409_until_checked_again(cast, manager, finish):
    checked = finish(manager.post, CLIENTS, dry_run="true").json()
    make_client(cast, prefix="ACME", name="Acme by hand")
    refused = run(manager, checked["id"])
    assert refused.status_code == 409
    assert refused.json()["errors"]["check"] == [
        "Clients or contacts have changed since this file was checked: check it again, then"
        " import it."
    ]
    assert manager.get(checked["id"]).json()["dry_run"] is True


def test_run_asks_the_import_right_and_hides_others_imports(cast, manager, finish):
    checked = finish(manager.post, CLIENTS, dry_run="true").json()
    assert run(Uploader(cast.technician), checked["id"]).status_code == 403
    assert run(Uploader(cast.outsider), checked["id"]).status_code == 404
    assert run(manager, 10**9).status_code == 404


def test_contacts_into_one_client_need_no_client_column(cast, manager, finish):
    acme = make_client(cast, prefix="ACME", name="Acme Dental")
    response = finish(manager.post, PEOPLE, kind="contacts", client=str(acme.pk))
    assert response.status_code == 202, response.content
    body = manager.get(response.json()["id"]).json()
    assert body["state"] == "done" and body["client"] == acme.pk
    assert body["counts"]["created"] == 2
    assert Contact.objects.filter(client=acme).count() == 2


def test_a_client_the_token_may_not_see_is_404_and_kind_clients_is_422(cast, manager):
    acme = make_client(cast, prefix="ACME", name="Acme Dental")
    refused = manager.post(CLIENTS, kind="clients", client=str(acme.pk))
    assert refused.status_code == 422 and "client" in refused.json()["errors"]
    deny(cast.manager, acme)
    assert manager.post(PEOPLE, kind="contacts", client=str(acme.pk)).status_code == 404
    assert manager.post(PEOPLE, kind="contacts", client="999999").status_code == 404
    assert manager.post(PEOPLE, kind="contacts", client="abc").status_code == 422
    assert not ImportJob.objects.exists()
