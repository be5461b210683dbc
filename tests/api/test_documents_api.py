"""The documents API of DESIGN §7, through HTTP with real tokens: upload (multipart), list,
read, download, delete; limits, a renamed program, path traversal, roles and scoping."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clientdesk.core.services import membership_set_client_access
from clientdesk.documents.models import Document
from clientdesk.documents.services import document_upload
from tests.api.test_clients_api import Api, assert_refused
from tests.clients.factories import make_client

PDF = b"%PDF-1.7\n% a contract\n"
FIELDS = {
    "id", "client_id", "name", "filename", "size", "content_type", "shared_with_portal",
    "uploaded_by", "uploaded_at",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tech(cast):
    return Api(cast.technician)


@pytest.fixture
def bpm(cast):
    return make_client(cast, prefix="BPM", name="Blue Peak Media")


def a_file(name="contract.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def post(api, client, **form):
    return api.http.post(f"/api/v1/clients/{client.pk}/documents", form)


def test_upload_read_list_download_delete(cast, tech, bpm):
    made = post(tech, bpm, file=a_file(), name="Contract", shared_with_portal="true")
    assert made.status_code == 201, made.content
    body = made.json()
    assert set(body) == FIELDS
    assert body["client_id"] == bpm.pk and body["name"] == "Contract"
    assert body["filename"] == "contract.pdf" and body["size"] == len(PDF)
    assert body["content_type"] == "application/pdf" and body["shared_with_portal"] is True
    assert body["uploaded_by"] == cast.technician.user.email
    pk = body["id"]
    assert tech.get(f"/api/v1/documents/{pk}").json() == body
    listed = tech.get(f"/api/v1/clients/{bpm.pk}/documents").json()
    assert [d["id"] for d in listed["items"]] == [pk]
    got = tech.get(f"/api/v1/documents/{pk}/download")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Content-Disposition"] == 'attachment; filename="contract.pdf"'
    assert got["X-Content-Type-Options"] == "nosniff"
    assert tech.delete(f"/api/v1/documents/{pk}").status_code == 204
    assert tech.get(f"/api/v1/documents/{pk}").status_code == 404
    assert tech.get(f"/api/v1/documents/{pk}/download").status_code == 404
    assert tech.get(f"/api/v1/clients/{bpm.pk}/documents").json()["items"] == []
    assert Document.objects.get().deleted_at is not None


def test_without_a_name_the_file_s_own_name_and_no_sharing(tech, bpm):
    body = post(tech, bpm, file=a_file("Network diagram.pdf")).json()
    assert body["name"] == "Network diagram.pdf" and body["shared_with_portal"] is False


def test_limits_and_programs_are_refused_with_the_field_named(cast, tech, bpm, settings):
    settings.DOCUMENTS_MAX_MB = 1
    assert "larger than" in assert_refused(
        post(tech, bpm, file=a_file(data=b"%PDF" + b"0" * (1 << 20))), "file"
    )
    assert "program" in assert_refused(
        post(tech, bpm, file=a_file("invoice.pdf", b"MZ\x90\x00\x03\x00")), "file"
    )
    assert "program" in assert_refused(post(tech, bpm, file=a_file("a.bat", b"echo")), "file")
    assert assert_refused(post(tech, bpm, name="no file"), "file")
    refused = post(tech, bpm, file=a_file(), name="a\x00b")
    assert refused.status_code == 422
    assert not Document.objects.exists()


def test_a_file_name_with_a_path_keeps_only_its_last_part(tech, bpm):
    body = post(tech, bpm, file=a_file("..\\..\\boot.ini.pdf")).json()
    assert body["filename"] == "boot.ini.pdf"
    body = post(tech, bpm, file=a_file("../../etc/passwd")).json()
    assert body["filename"] == "passwd"
    stored = Document.objects.get(pk=body["id"]).stored_name
    assert ".." not in stored and "passwd" not in stored


def test_viewers_read_but_neither_upload_nor_delete(cast, bpm):
    viewer = Api(cast.viewer)
    doc = document_upload(client=bpm, actor=None, upload=a_file())
    assert viewer.get(f"/api/v1/documents/{doc.pk}").status_code == 200
    assert post(viewer, bpm, file=a_file()).status_code == 403
    assert viewer.delete(f"/api/v1/documents/{doc.pk}").status_code == 403
    assert Document.objects.filter(deleted_at=None).count() == 1


def test_another_client_s_or_account_s_document_is_404(cast, bpm):
    zed = make_client(cast, prefix="ZED", name="Zed Ltd")
    doc = document_upload(client=bpm, actor=None, upload=a_file())
    outsider = Api(cast.outsider)
    for url in (f"/api/v1/documents/{doc.pk}", f"/api/v1/documents/{doc.pk}/download"):
        assert outsider.get(url).status_code == 404
    assert outsider.delete(f"/api/v1/documents/{doc.pk}").status_code == 404
    assert outsider.get(f"/api/v1/clients/{bpm.pk}/documents").status_code == 404
    assert post(outsider, bpm, file=a_file()).status_code == 404
    membership_set_client_access(
        membership=cast.technician, actor=cast.owner, access="allow", clients=[zed]
    )
    limited = Api(cast.technician)
    assert limited.get(f"/api/v1/documents/{doc.pk}/download").status_code == 404
    assert limited.delete(f"/api/v1/documents/{doc.pk}").status_code == 404
    assert Document.objects.filter(deleted_at=None).count() == 1


def test_a_body_over_the_limit_is_refused_by_its_length(tech, bpm, settings):
    settings.DOCUMENTS_MAX_MB = 1
    response = tech.http.post(
        f"/api/v1/clients/{bpm.pk}/documents",
        {"file": a_file(data=b"%PDF" + b"0" * (2 << 20))},
    )
    assert "is larger than 1.0" in assert_refused(response, "file")
    assert not Document.objects.exists()
