"""The checks on names and bytes (documents/files.py): path traversal in file names, the
executable signatures and extensions, which images may preview."""

import pytest

from clientdesk.documents.files import (
    blocked_extension,
    executable_signature,
    preview_type,
    safe_filename,
)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("C:\\Users\\ada\\Report.pdf", "Report.pdf"),
        ("/var/www/.htaccess", "htaccess"),
        ("..", "file"),
        ("", "file"),
        ("a\x00b.pdf", "a_b.pdf"),
        ('in<voice>:"2024"?.pdf', "in_voice___2024__.pdf"),
        ("  spaced   name .pdf. ", "spaced name .pdf"),
        ("café.pdf", "café.pdf"),
    ],
)
def test_a_file_name_is_only_its_last_part_without_unsafe_characters(raw, safe):
    assert safe_filename(raw) == safe


def test_a_long_file_name_keeps_its_extension():
    name = safe_filename("x" * 500 + ".pdf")
    assert len(name) == 200 and name.endswith(".pdf")


@pytest.mark.parametrize(
    "head",
    [
        b"MZ\x90\x00\x03",
        b"\x7fELF\x02\x01",
        b"\xcf\xfa\xed\xfe\x07",
        b"\xca\xfe\xba\xbe\x00",
        b"#!/bin/sh\nrm -rf /",
        b"L\x00\x00\x00\x01\x14\x02\x00\x00",
    ],
)
def test_programs_and_scripts_are_known_by_their_first_bytes(head):
    assert executable_signature(head)


@pytest.mark.parametrize(
    "head", [b"%PDF-1.7", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"hello", b""]
)
def test_documents_are_not_programs(head):
    assert executable_signature(head) is None


@pytest.mark.parametrize(
    ("name", "blocked"),
    [
        ("setup.exe", True),
        ("SETUP.EXE", True),
        ("invoice.pdf.exe", True),
        ("setup.exe.", True),
        ("setup.exe  ", True),
        ("run.ps1", True),
        ("installer.msi", True),
        ("invoice.pdf", False),
        ("exe", False),
        ("notes.txt", False),
    ],
)
def test_the_last_extension_decides(name, blocked):
    assert blocked_extension(name) is blocked


def test_only_raster_images_preview():
    assert preview_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert preview_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert preview_type(b"GIF89a") == "image/gif"
    assert preview_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert preview_type(b"<svg xmlns=") is None
