"""The JSON API under /api/v1/: bearer tokens, one error shape, cursor lists."""

from importlib import import_module

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from clientdesk.core import registry
from clientdesk.core.pagination import BadCursor
from clientdesk.integrations.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = api_token_authenticate(token)
        if found is None:
            return None
        request.api_token, request.membership = found
        request.account = request.membership.account
        request.user = request.membership.user
        return request.api_token


api = NinjaAPI(
    title="Clientdesk API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    description=(
        "Every request carries `Authorization: Bearer <token>` (Settings › API tokens). "
        "Lists answer `{items, next}`; pass `next` back as `cursor`. Errors answer "
        "`{detail, errors: {field: [messages]}}`."
    ),
)


def _error(request, status: int, detail: str, errors: dict | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    # e.g. ninja's 400 "Cannot parse request body" for malformed JSON, in our error shape
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return _error(request, 401, "Missing, unknown or revoked API token.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, str(exc) or "Your role does not allow this.")


@api.exception_handler(BadCursor)
def _bad_cursor(request, exc):
    return _error(request, 400, "Invalid cursor.", {"cursor": [str(exc)]})


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 422, "Some fields are not valid.", errors)


@api.exception_handler(NinjaValidationError)
def _malformed(request, exc):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [
            str(part)
            for part in item.get("loc", ())
            if part not in ("body", "query", "path", "payload")
        ]
        errors.setdefault(".".join(loc) or "__all__", []).append(item.get("msg", "invalid"))
    return _error(request, 422, "The request is not valid.", errors)


# Each domain's router, in the order the domains asked for (core.registry.api_routers).
for entry in registry.api_routers.all():
    module, _sep, attribute = entry.router.partition(":")
    api.add_router("", getattr(import_module(module), attribute))
