"""Logging filters that settings.LOGGING names."""

import logging

from django.core.exceptions import PermissionDenied


class ForbiddenOnOneLine(logging.Filter):
    """A refusal is an answer the app meant to give, not a fault: one line with its reason.

    Django logs each PermissionDenied with its traceback, a screenful in the server's log for
    every click on a button that someone's role does not allow.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, PermissionDenied):
            path = getattr(getattr(record, "request", None), "path", "")
            record.msg = "Forbidden (%s): %s"
            record.args = (_one_line(str(error) or "Permission denied"), _one_line(path))
            record.exc_info = record.exc_text = None
        return True


def _one_line(text: str) -> str:
    # As Django escapes the path it logs: a newline in it cannot start a forged log line.
    return text.encode("unicode_escape").decode("ascii")
