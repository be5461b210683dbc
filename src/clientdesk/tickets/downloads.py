"""A ticket's file, answered as a download whoever asks (staff or the portal): always an
attachment with a safe name, never rendered by the browser."""

import re

from django.http import FileResponse, Http404


def safe_filename(name: str) -> str:
    """The name the browser saves under: no path, no control characters, no quotes."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"]", "", name).strip(" .") or "attachment"
    return name[:150]


def attachment_response(attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(attachment.name),
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
