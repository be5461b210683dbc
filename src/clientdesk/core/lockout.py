"""Whom a sign-in counts against (django-axes, `AXES_USERNAME_CALLABLE`).

Sign-in finds a person by their email ignoring case (`UserManager.get_by_natural_key`), so the
failures must be counted the same way: keyed on the email as typed, "ADA@x" and "ada@x " would
each get their own ten tries, and a person locked out as one would sign in at once as the other.
"""

from django.conf import settings
from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The email of a sign-in attempt, folded as sign-in folds it (case and surrounding spaces)."""
    if credentials:
        typed = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        typed = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return typed.strip().lower() if isinstance(typed, str) else typed
