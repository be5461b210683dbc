"""What an uploaded file may be, and how its name may read: pure checks on names and bytes,
for documents and for any other upload kept for a client (ticket attachments can reuse them).

Executables are refused twice over:
- by **content**: the first bytes are compared with the signatures of programs and scripts a
  computer runs as they are (`SIGNATURES`). Renaming `setup.exe` to `invoice.pdf` keeps its
  `MZ`, so it is still refused. A table of a dozen signatures needs no libmagic (python-magic
  would add a system library to every install for a question this narrow);
- by **extension** (`BLOCKED_EXTENSIONS`), for what has no signature: Windows scripts (.bat,
  .ps1, .vbs, .js …), installers whose container is also a harmless format (an .msi is an OLE
  compound file, like a .doc; a .jar is a zip, like a .docx), shortcuts and registry files.
  The last extension counts (`invoice.pdf.exe` is an .exe), after the trailing dots and spaces
  Windows ignores (`setup.exe.` is `setup.exe`).

An OLE compound file or a zip is not refused by content: Office documents are made of them.
"""

import os
import re
import unicodedata
from typing import Any

from django.utils.translation import gettext_lazy as _

# (signature, what it is). Compared with the file's first bytes.
SIGNATURES: tuple[tuple[bytes, Any], ...] = (
    (b"MZ", _("Windows or DOS program, PE/MZ")),
    (b"\x7fELF", _("Linux or Unix program, ELF")),
    (b"\xfe\xed\xfa\xce", _("macOS program, Mach-O")),
    (b"\xfe\xed\xfa\xcf", _("macOS program, Mach-O")),
    (b"\xce\xfa\xed\xfe", _("macOS program, Mach-O")),
    (b"\xcf\xfa\xed\xfe", _("macOS program, Mach-O")),
    (b"\xca\xfe\xba\xbe", _("macOS universal program or Java class")),
    (b"#!", _("script, #!")),
    (b"L\x00\x00\x00\x01\x14\x02\x00", _("Windows shortcut, .lnk")),
    (b"dex\n", _("Android program, DEX")),
    (b"\x00asm", _("WebAssembly module")),
)
SNIFF_BYTES = 16  # the longest signature, rounded up

BLOCKED_EXTENSIONS = frozenset(
    [
        "exe",
        "dll",
        "com",
        "scr",
        "pif",
        "cpl",
        "sys",
        "drv",
        "ocx",
        "msi",
        "msp",
        "mst",
        "msc",
        "msix",
        "msixbundle",
        "appx",
        "appxbundle",
        "bat",
        "cmd",
        "ps1",
        "psm1",
        "psd1",
        "ps1xml",
        "vbs",
        "vbe",
        "js",
        "jse",
        "wsf",
        "wsh",
        "wsc",
        "hta",
        "lnk",
        "url",
        "scf",
        "inf",
        "reg",
        "jar",
        "class",
        "apk",
        "dex",
        "app",
        "command",
        "sh",
        "bash",
        "csh",
        "ksh",
        "zsh",
        "run",
        "bin",
        "elf",
        "so",
        "dylib",
        "gadget",
        "application",
        "appref-ms",
        "xbap",
        "iso",
        "img",
        "vhd",
        "vhdx",
    ]
)

# Raster images a browser shows without running anything: the only ones previewed (an SVG
# can carry script, so it is only ever downloaded).
PREVIEW_TYPES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)

MAX_NAME = 200
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def executable_signature(head: bytes) -> str | None:
    """What program the first bytes say the file is, or None."""
    for magic, label in SIGNATURES:
        if head.startswith(magic):
            return str(label)
    return None


def extension(filename: str) -> str:
    """The extension a computer would go by, lower case, without the dot ('' when none)."""
    name = filename.rstrip(". ")
    _root, ext = os.path.splitext(name)
    return ext[1:].lower()


def blocked_extension(filename: str) -> bool:
    return extension(filename) in BLOCKED_EXTENSIONS


def preview_type(head: bytes) -> str | None:
    """The image type to preview the file as, from its bytes, or None (download only)."""
    for magic, content_type in PREVIEW_TYPES:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def safe_filename(raw: str, *, fallback: str = "file") -> str:
    """A file name that names nothing but itself: the last part of any path (either slash),
    no control or reserved characters, no leading dots, at most 200 characters with its
    extension kept. `../../etc/passwd` is `passwd`; `C:\\x\\a.pdf` is `a.pdf`."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".").rstrip(". ")
    name = " ".join(name.split())
    if not name:
        return fallback
    if len(name) > MAX_NAME:
        root, ext = os.path.splitext(name)
        ext = ext[:20]
        name = root[: MAX_NAME - len(ext)] + ext
    return name


def display_name(raw: str) -> str:
    """A document's name as given (a title, not a path): trimmed, one line, no control
    characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.sub(r"[\x00-\x1f\x7f]", " ", name)
    return " ".join(name.split())[:MAX_NAME]
