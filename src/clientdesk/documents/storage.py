"""Keeping uploaded files in Django's storage, and handing them back safely; shared by every
upload a client owns (documents now; ticket attachments can call the same three functions).

- `file_store` checks the size limit and the content (`files.py`) before anything is written,
  then saves the bytes under a generated name, `<area>/<account id>/<client id>/<uuid>`: no
  part of it comes from the uploader, so no name can climb out of its folder, overwrite
  another file or carry an extension a web server would run.
- `download_response` always answers an attachment (`Content-Disposition: attachment` with the
  cleaned file name, `X-Content-Type-Options: nosniff`, a sandboxing CSP), whatever the file.
- `preview_response` shows a PNG, JPEG, GIF or WebP inline (their type was read from their
  bytes at upload), under a CSP that allows nothing else; any other file gets no preview.

The storage is `STORAGES["default"]`: a local folder (`CLIENTDESK_MEDIA_ROOT`) unless an
S3-compatible store is configured (docs/servers.md).
"""

import hashlib
import mimetypes
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from clientdesk.documents.files import (
    SNIFF_BYTES,
    blocked_extension,
    executable_signature,
    preview_type,
    safe_filename,
)

PREVIEWABLE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
SANDBOX_CSP = "default-src 'none'; sandbox"
PREVIEW_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    filename: str  # cleaned, as a download offers it
    size: int
    content_type: str
    sha256: str


def storage():
    return storages["default"]


def max_bytes() -> int:
    return settings.DOCUMENTS_MAX_MB * 1024 * 1024


def too_large_message(filename: str = "") -> str:
    limit = filesizeformat(max_bytes())
    if filename:
        return _("%(name)s is larger than %(limit)s.") % {"name": filename, "limit": limit}
    return _("The file is larger than %(limit)s.") % {"limit": limit}


def upload_check(upload, *, field: str = "file") -> tuple[str, bytes]:
    """Refuse an upload that is empty, too large or a program; answer its cleaned name and
    first bytes. Raises ValidationError on `field`."""
    filename = safe_filename(getattr(upload, "name", "") or "")
    if upload.size > max_bytes():
        raise ValidationError({field: too_large_message(filename)})
    if upload.size == 0:
        raise ValidationError({field: _("%(name)s is empty.") % {"name": filename}})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = executable_signature(head)
    if kind is not None or blocked_extension(filename):
        raise ValidationError(
            {field: _("%(name)s is a program or script (%(kind)s); such files cannot be kept.")
             % {"name": filename, "kind": kind or _("by its extension")}}
        )  # fmt: skip
    return filename, head


def content_type_of(filename: str, head: bytes) -> str:
    """An image type only when the bytes say so; otherwise what the extension says."""
    sniffed = preview_type(head)
    if sniffed:
        return sniffed
    guessed = mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"
    return "application/octet-stream" if guessed in PREVIEWABLE else guessed


def file_store(upload, *, account_id: int, client_id: int, area: str = "documents") -> StoredFile:
    """Check `upload` (upload_check), then save it under a generated name. The caller removes
    it (`file_discard`) if its own transaction fails."""
    filename, head = upload_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = f"{area}/{int(account_id)}/{int(client_id)}/{uuid.uuid4().hex}"
    stored = storage().save(name, upload)
    return StoredFile(
        stored_name=stored,
        filename=filename,
        size=upload.size,
        content_type=content_type_of(filename, head),
        sha256=digest.hexdigest(),
    )


def file_discard(stored_name: str) -> None:
    storage().delete(stored_name)


def download_response(*, stored_name: str, filename: str, content_type: str) -> FileResponse:
    """The file as an attachment, named by its cleaned name, never shown by the browser."""
    response = FileResponse(
        storage().open(stored_name, "rb"),
        as_attachment=True,
        filename=safe_filename(filename),
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response


def can_preview(content_type: str) -> bool:
    return content_type in PREVIEWABLE


def preview_response(*, stored_name: str, content_type: str) -> FileResponse:
    """A raster image inline; the caller checked `can_preview`."""
    if not can_preview(content_type):
        raise ValueError("no preview for this type")
    response = FileResponse(storage().open(stored_name, "rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PREVIEW_CSP
    return response
