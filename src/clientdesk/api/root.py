"""The JSON API under /api/v1/: bearer tokens, one error shape, cursor lists."""

from importlib import import_module

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import re_path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from clientdesk.api import openapi
from clientdesk.core import registry
from clientdesk.core.api_schemas import BAD_BODY, PATTERN_MESSAGES
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


class ClientdeskAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return openapi.complete(schema)

    def get_openapi_operation_id(self, operation) -> str:
        # The handler's name (`client_get`): what a generated client calls its functions.
        return operation.view_func.__name__

    def _get_urls(self):
        # ninja's root ("" only) becomes every path no route matched: a JSON 404 under
        # /api/v1/ (a Django 404 page is HTML), to everyone, whatever the DEBUG setting.
        *routes, _root = super()._get_urls()
        return [*routes, re_path(r"^.*$", _no_route, name="api-root")]


def _no_route(request, *args, **kwargs):
    return _error(request, 404, "Not found.")


api = ClientdeskAPI(
    title="Clientdesk API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    description=(
        "Every request carries `Authorization: Bearer <token>` (Settings › API tokens). "
        "Lists answer `{items, next}`; pass `next` back as `cursor`. Errors answer "
        "`{detail, errors: {field: [messages]}}`. See docs/api.md."
    ),
)


def _error(request, status: int, detail: str, errors: dict | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    # e.g. ninja's 400 "Cannot parse request body" for malformed JSON, in our error shape
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(MultiPartParserError)
def _bad_form(request, exc):
    # a multipart body whose boundary or parts cannot be read: the 400 of a body that is not JSON
    return _error(request, 400, BAD_BODY)


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


SOURCES = ("body", "query", "path", "payload", "form", "file", "header", "cookie")


@api.exception_handler(NinjaValidationError)
def _malformed(request, exc):
    if any(tuple(item.get("loc", ()))[:1] == ("path",) for item in exc.errors):
        # An id that cannot name an object is the same 404 as a missing one.
        return _error(request, 404, "Not found.")
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        where = tuple(item.get("loc", ()))
        # The source comes first (`body`, then ninja's `payload`): a field may be named like one.
        path = where[1:] if where[:1] and where[0] in SOURCES else where
        path = path[1:] if path[:1] == ("payload",) else path
        # A query parameter given several times is one field (`status`, not `status.0`).
        loc = [str(p) for p in path if not (where[:1] == ("query",) and isinstance(p, int))]
        message = item.get("msg", "invalid")
        if item.get("type") == "string_pattern_mismatch":
            message = str(PATTERN_MESSAGES.get(item.get("ctx", {}).get("pattern"), message))
        errors.setdefault(".".join(loc) or "__all__", []).append(message)
    return _error(request, 422, "The request is not valid.", errors)


# Each domain's router, in the order the domains asked for (core.registry.api_routers).
for entry in registry.api_routers.all():
    module, _sep, attribute = entry.router.partition(":")
    api.add_router("", getattr(import_module(module), attribute))
