"""Who sees an import: a member sees, re-runs and downloads their own imports; owners and admins
every import of the account. A job runs with the role and client limits of the member who
started it, as they stand when it runs; a row about a client hidden from them only says that
the prefix is taken."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from clientdesk.clients.models import Client as ClientModel
from clientdesk.core.models import MembershipClient
from clientdesk.integrations.services import api_token_create
from clientdesk.transfer import services
from clientdesk.transfer.models import ImportJob, ImportRowError, State
from tests.clients.factories import make_client

URL = "/a/acme/imports/"
# HIDDEN is a client the limited manager may not see; its row carries a secret name.
FILE = "Prefix,Name\r\nHIDDEN,Secret Merger Target\r\nOPEN,Open Ltd\r\n"


def signed_in(membership) -> HttpClient:
    http = HttpClient()
    http.force_login(membership.user)
    return http


def api(membership) -> HttpClient:
    _t, raw = api_token_create(membership=membership, name="Test", actor=membership.user)
    return HttpClient(headers={"authorization": f"Bearer {raw}"})


def deny(membership, *clients) -> None:
    membership.client_access = "deny"
    membership.save()
    for client in clients:
        MembershipClient.objects.create(
            account=membership.account, membership=membership, client=client
        )


def uploaded(membership, text: str = FILE, *, dry_run=True) -> ImportJob:
    return services.import_create(
        account=membership.account,
        membership=membership,
        kind="clients",
        upload=SimpleUploadedFile("c.csv", text.encode(), "text/csv"),
        dry_run=dry_run,
    )


@pytest.fixture
def hidden(cast):
    client = make_client(cast, prefix="HIDDEN", name="Hidden Co")
    deny(cast.manager, client)
    return client


def run_as(job, membership, finish_task) -> ImportJob:
    finish_task(services.import_start, job=job, membership=membership)
    job.refresh_from_db()
    return job


def test_a_manager_cannot_see_rerun_or_download_the_owners_import(cast, hidden, finish):
    job = run_as(uploaded(cast.owner), cast.owner, finish)
    assert job.state == State.DONE and job.counts["updated"] == 1
    http = signed_in(cast.manager)
    for tail in ("", "status/", "errors.csv"):
        assert http.get(f"{URL}{job.pk}/{tail}").status_code == 404
    for tail in ("columns/", "run/", "check/", "again/"):
        assert http.post(f"{URL}{job.pk}/{tail}").status_code == 404
    assert api(cast.manager).get(f"/api/v1/imports/{job.pk}").status_code == 404
    assert api(cast.manager).post(f"/api/v1/imports/{job.pk}/run").status_code == 404
    assert ImportJob.objects.count() == 1
    history = http.get(URL)
    assert history.context["history"].items == []
    assert job.filename not in history.text


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owners_and_admins_see_every_import(cast, role, finish):
    job = run_as(uploaded(cast.manager), cast.manager, finish)
    http = signed_in(cast.member(role))
    assert http.get(f"{URL}{job.pk}/").status_code == 200
    assert http.get(f"{URL}{job.pk}/errors.csv").status_code == 200
    assert [j.pk for j in http.get(URL).context["history"].items] == [job.pk]
    assert api(cast.member(role)).get(f"/api/v1/imports/{job.pk}").status_code == 200


def test_a_member_sees_their_own_imports_only(cast, finish):
    mine = run_as(uploaded(cast.manager), cast.manager, finish)
    other = uploaded(cast.admin)
    http = signed_in(cast.manager)
    assert [j.pk for j in http.get(URL).context["history"].items] == [mine.pk]
    assert http.get(f"{URL}{mine.pk}/").status_code == 200
    assert http.get(f"{URL}{other.pk}/").status_code == 404
    assert api(cast.manager).get(f"/api/v1/imports/{mine.pk}").status_code == 200


def test_a_check_runs_with_the_visibility_of_who_starts_it(cast, hidden, finish):
    # The limited manager uploads; an admin, who sees every client, starts the check.
    job = uploaded(cast.manager)
    http = signed_in(cast.admin)
    finish(
        http.post,
        f"{URL}{job.pk}/columns/",
        {"column_0": "prefix", "column_1": "name", "action": "preview"},
    )
    job.refresh_from_db()
    assert job.started_by == cast.admin.user and job.state == State.DONE
    assert job.counts["updated"] == 1 and job.counts["rejected"] == 0  # HIDDEN is theirs to see


def test_a_job_runs_with_the_limits_of_its_member_as_they_stand_when_it_runs(cast, finish):
    client = make_client(cast, prefix="HIDDEN", name="Hidden Co")
    job = uploaded(cast.manager, dry_run=False)
    with_limit_after_start = [False]

    def start_then_limit(**kwargs):
        services.import_start(**kwargs)
        deny(cast.manager, client)  # before the worker picks the job up
        with_limit_after_start[0] = True

    finish(start_then_limit, job=job, membership=cast.manager)
    job.refresh_from_db()
    assert with_limit_after_start[0] and job.state == State.DONE
    assert job.counts["created"] == 1 and job.counts["rejected"] == 1
    error = ImportRowError.objects.get(job=job)
    assert error.row == 2
    assert error.message == "Another client of this account already uses HIDDEN."
    assert ClientModel.objects.get(prefix="HIDDEN").name == "Hidden Co"  # untouched


def test_a_row_about_a_hidden_client_only_says_the_prefix_is_taken(cast, hidden, finish):
    job = run_as(uploaded(cast.manager, dry_run=False), cast.manager, finish)
    body = api(cast.manager).get(f"/api/v1/imports/{job.pk}").json()
    assert body["errors"] == [
        {
            "row": 2,
            "field": "Prefix",
            "message": "Another client of this account already uses HIDDEN.",
        }
    ]
    assert "Hidden Co" not in str(body)


def test_a_member_who_lost_the_import_right_before_it_ran_fails_the_job(cast, finish):
    job = uploaded(cast.manager, dry_run=False)

    def start_then_demote(**kwargs):
        services.import_start(**kwargs)
        cast.manager.role = "viewer"
        cast.manager.save()

    finish(start_then_demote, job=job, membership=cast.manager)
    job.refresh_from_db()
    assert job.state == State.FAILED and "may no longer import" in job.failure
    assert ClientModel.objects.count() == 0
