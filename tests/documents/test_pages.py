"""The Files tab: upload several files with a name each, the size limit, a renamed program
refused by its bytes, safe downloads and previews, rename, share, delete; roles and scoping.
And the portal's Documents: only shared documents, uploads by portal users, 404 for others."""

import re

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clientdesk.audit.models import Activity
from clientdesk.core.services import membership_set_client_access
from clientdesk.documents.models import Document
from clientdesk.documents.services import document_upload
from tests.clients.factories import make_client
from tests.security.test_csp import assert_strict

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
PDF = b"%PDF-1.7\n% a contract\n"


def web(user_or_member) -> Client:
    browser = Client()
    browser.force_login(getattr(user_or_member, "user", user_or_member))
    return browser


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-document="(\d+)"', response.text)]


@pytest.fixture
def bpm(cast):
    return make_client(cast, prefix="BPM", name="Blue Peak Media")


def tab(client) -> str:
    return f"/a/acme/clients/{client.pk}/files/"


def test_upload_several_files_with_a_name_each(cast, bpm):
    answer = web(cast.technician).post(
        tab(bpm) + "upload/",
        {
            "file": [upload("contract.pdf", PDF), upload("rack.png", PNG)],
            "name": ["Service contract 2026", "Rack photo"],
        },
    )
    assert answer.status_code == 302
    contract, photo = Document.objects.order_by("id")
    assert (contract.name, contract.filename, contract.size) == (
        "Service contract 2026",
        "contract.pdf",
        len(PDF),
    )
    assert contract.content_type == "application/pdf" and not contract.shared_with_portal
    assert photo.content_type == "image/png"
    assert contract.uploaded_by == cast.technician.user
    # Stored under a generated name, never the user's.
    assert contract.stored_name.startswith(f"documents/{cast.account.pk}/{bpm.pk}/")
    assert "contract" not in contract.stored_name
    assert storages["default"].open(contract.stored_name).read() == PDF
    page = web(cast.viewer).get(tab(bpm))
    assert page.status_code == 200
    assert_strict(page)
    assert shown(page) == [photo.pk, contract.pk]
    assert "Service contract 2026" in page.text and "Rack photo" in page.text
    assert "upload-form" not in page.text  # a viewer reads, uploads nothing
    assert Activity.objects.filter(verb="document.uploaded").count() == 2


def test_the_upload_answers_json_for_the_progress_script(cast, bpm):
    answer = web(cast.technician).post(
        tab(bpm) + "upload/",
        {"file": upload("a.pdf", PDF), "name": "A", "shared_with_portal": "1"},
        headers={"accept": "application/json"},
    )
    assert answer.status_code == 201 and answer.json() == {"uploaded": ["A"], "errors": []}
    assert Document.objects.get().shared_with_portal


def test_too_large_and_programs_are_refused_and_nothing_is_kept(cast, bpm, settings):
    settings.DOCUMENTS_MAX_MB = 1
    browser = web(cast.technician)
    for name, data in [
        ("big.pdf", b"%PDF" + b"0" * (1024 * 1024)),
        ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100),  # a program renamed
        ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 50),
        ("run.txt", b"#!/bin/sh\necho hi\n"),
        ("tool.exe", b"just text"),
        ("empty.pdf", b""),
    ]:
        answer = browser.post(
            tab(bpm) + "upload/",
            {"file": upload(name, data)},
            headers={"accept": "application/json"},
        )
        assert answer.status_code == 400, name
        assert name in " ".join(answer.json()["errors"])
    assert not Document.objects.exists()
    root = storages["default"]
    folder = f"documents/{cast.account.pk}/{bpm.pk}"
    assert not root.exists(folder) or root.listdir(folder)[1] == []


def test_a_file_name_that_climbs_folders_is_cleaned(cast, bpm):
    web(cast.technician).post(
        tab(bpm) + "upload/", {"file": upload("../../../etc/cron.d/evil.pdf", PDF)}
    )
    document = Document.objects.get()
    assert document.filename == "evil.pdf" and document.name == "evil.pdf"
    assert ".." not in document.stored_name


def test_download_is_an_attachment_and_only_images_preview(cast, bpm):
    doc = document_upload(client=bpm, actor=cast.technician, upload=upload("café plan.pdf", PDF))
    png = document_upload(client=bpm, actor=cast.technician, upload=upload("rack.png", PNG))
    svg = document_upload(
        client=bpm, actor=cast.technician, upload=upload("logo.svg", b"<svg><script/></svg>")
    )
    fake = document_upload(client=bpm, actor=cast.technician, upload=upload("x.png", b"<html>"))
    browser = web(cast.viewer)
    got = browser.get(tab(bpm) + f"{doc.pk}/download/")
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert got["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''caf%C3%A9%20plan.pdf" in got["Content-Disposition"]
    assert got["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got["Content-Security-Policy"]
    shown_png = browser.get(tab(bpm) + f"{png.pk}/preview/")
    assert shown_png.status_code == 200 and shown_png["Content-Type"] == "image/png"
    assert shown_png["Content-Disposition"] == "inline"
    assert shown_png["Content-Security-Policy"].startswith("default-src 'none'")
    assert browser.get(tab(bpm) + f"{svg.pk}/preview/").status_code == 404
    assert browser.get(tab(bpm) + f"{fake.pk}/preview/").status_code == 404
    assert fake.content_type == "application/octet-stream"


def test_rename_share_and_delete(cast, bpm):
    doc = document_upload(client=bpm, actor=cast.technician, upload=upload("a.pdf", PDF))
    tech = web(cast.technician)
    base = tab(bpm) + f"{doc.pk}/"
    assert tech.post(base + "rename/", {"name": "  Network diagram "}).status_code == 302
    assert tech.post(base + "share/", {"shared_with_portal": "1"}).status_code == 302
    doc.refresh_from_db()
    assert (doc.name, doc.shared_with_portal, doc.version) == ("Network diagram", True, 3)
    tech.post(base + "share/", {})
    doc.refresh_from_db()
    assert not doc.shared_with_portal
    assert tech.post(base + "delete/").status_code == 302
    doc.refresh_from_db()
    assert doc.deleted_at is not None and doc.deleted_by == cast.technician.user
    assert shown(web(cast.viewer).get(tab(bpm))) == []
    assert web(cast.viewer).get(base + "download/").status_code == 404
    assert storages["default"].exists(doc.stored_name)  # soft: the file stays


def test_a_rename_or_share_from_a_stale_page_changes_nothing_and_says_why(cast, bpm):
    doc = document_upload(client=bpm, actor=cast.technician, upload=upload("a.pdf", PDF))
    tech = web(cast.technician)
    base = tab(bpm) + f"{doc.pk}/"
    page = tech.get(tab(bpm)).text
    assert f'name="version" value="{doc.version}"' in page  # the forms send what they showed
    # Someone else renames it first; this person's page still shows version 1.
    web(cast.manager).post(base + "rename/", {"name": "Theirs", "version": "1"})
    late = tech.post(base + "rename/", {"name": "Mine", "version": "1"}, follow=True)
    assert "Someone changed this file meanwhile (it is now Theirs, not shared)" in late.text
    late_share = tech.post(base + "share/", {"shared_with_portal": "1", "version": "1"})
    assert late_share.status_code == 302
    doc.refresh_from_db()
    assert (doc.name, doc.shared_with_portal, doc.version) == ("Theirs", False, 2)
    # With the version now shown, it goes through.
    assert tech.post(base + "rename/", {"name": "Mine", "version": "2"}).status_code == 302
    doc.refresh_from_db()
    assert doc.name == "Mine"


def test_viewers_change_nothing(cast, bpm):
    doc = document_upload(client=bpm, actor=cast.technician, upload=upload("a.pdf", PDF))
    viewer = web(cast.viewer)
    assert viewer.post(tab(bpm) + "upload/", {"file": upload("b.pdf", PDF)}).status_code == 403
    for action in ("rename/", "share/", "delete/"):
        assert viewer.post(tab(bpm) + f"{doc.pk}/{action}", {"name": "x"}).status_code == 403
    assert Document.objects.count() == 1


def test_another_client_s_or_account_s_file_is_404(cast, bpm):
    zed = make_client(cast, prefix="ZED", name="Zed Ltd")
    doc = document_upload(client=bpm, actor=cast.technician, upload=upload("a.pdf", PDF))
    # Through another client's address: 404.
    assert web(cast.viewer).get(f"{tab(zed)}{doc.pk}/download/").status_code == 404
    # Another account: 404.
    assert (
        web(cast.outsider).get(f"/a/acme/clients/{bpm.pk}/files/{doc.pk}/download/").status_code
        == 404
    )
    # A member limited to other clients: 404.
    membership_set_client_access(
        membership=cast.technician, actor=cast.owner, access="allow", clients=[zed]
    )
    assert web(cast.technician).get(tab(bpm) + f"{doc.pk}/download/").status_code == 404
    assert web(cast.technician).get(tab(bpm)).status_code == 404


# The portal ---------------------------------------------------------------------------------


def test_the_portal_shows_only_shared_documents_of_its_own_client(cast):
    a, b = cast.portal_a, cast.portal_b
    shared = document_upload(
        client=a.client,
        actor=None,
        upload=upload("s.pdf", PDF),
        name="Shared",
        shared_with_portal=True,
    )
    private = document_upload(
        client=a.client, actor=None, upload=upload("p.pdf", PDF), name="Private"
    )
    theirs = document_upload(
        client=b.client,
        actor=None,
        upload=upload("t.pdf", PDF),
        name="Bravo's",
        shared_with_portal=True,
    )
    page = web(a.user).get("/portal/documents/")
    assert page.status_code == 200
    assert_strict(page)
    assert shown(page) == [shared.pk]
    assert "Private" not in page.text and "Bravo's" not in page.text
    got = web(a.user).get(f"/portal/documents/{shared.pk}/download/")
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment;")
    assert b"".join(got.streaming_content) == PDF
    assert web(a.user).get(f"/portal/documents/{private.pk}/download/").status_code == 404
    assert web(a.user).get(f"/portal/documents/{theirs.pk}/download/").status_code == 404


def test_a_portal_user_posts_documents_that_staff_see_with_who_and_when(cast):
    a = cast.portal_a
    portal = web(a.user)
    refused = portal.post(
        "/portal/documents/upload/",
        {"file": upload("scan.pdf", b"MZ\x90\x00rest")},
        headers={"accept": "application/json"},
    )
    assert refused.status_code == 400 and not Document.objects.exists()
    sent = portal.post(
        "/portal/documents/upload/", {"file": upload("signed.pdf", PDF), "name": "Signed order"}
    )
    assert sent.status_code == 302
    doc = Document.objects.get()
    assert doc.uploaded_by == a.user and doc.uploaded_by_contact == a.contact
    assert doc.shared_with_portal and doc.client == a.client
    assert shown(portal.get("/portal/documents/")) == [doc.pk]
    staff = web(cast.viewer).get(tab(a.client))
    assert "Signed order" in staff.text and a.contact.full_name in staff.text
    assert "Portal" in staff.text
