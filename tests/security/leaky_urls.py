"""The real URLconf plus deliberately broken views, to prove the walker catches each mistake:
a lookup that forgets the account, a write that forgets the role check, a lookup that forgets the
member's client limit; on pages and in the API."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST
from ninja import NinjaAPI
from ninja.security import HttpBearer

from clientdesk.clients.models import Client
from clientdesk.core.roles import require
from clientdesk.core.tenancy import get_for, get_or_404, unscoped
from clientdesk.integrations.models import ApiToken
from clientdesk.integrations.services import api_token_authenticate
from clientdesk.urls import handler404  # noqa: F401
from clientdesk.urls import urlpatterns as real_patterns


def leaky_token_name(request, token_id: int):
    # The mistake the walker exists for: a lookup that forgets the account. A plain
    # `ApiToken.objects.get(pk=…)` no longer reaches the database (core.tenancy refuses it), so
    # the mistake left to make is the escape hatch used where it does not belong.
    with unscoped():
        return HttpResponse(ApiToken.objects.get(pk=token_id).name)


def _visible_client(membership, client_id: int) -> Client:
    return get_for(membership, Client, client_id)


@require_POST
def archive_without_role(request, client_id: int):
    # Scoped to the account and the client limit, but anyone may write: no `require`.
    return HttpResponse(_visible_client(request.membership, client_id).name)


def name_beyond_limit(request, client_id: int):
    # Asks the role, but looks the client up in the whole account: the client limit is forgotten.
    require(request.membership, "clients.write")
    return HttpResponse(get_or_404(Client.objects.for_account(request.account), pk=client_id).name)


class _Token(HttpBearer):
    def authenticate(self, request, token: str):
        found = api_token_authenticate(token)
        if found is None:
            return None
        request.api_token, request.membership = found
        request.account = request.membership.account
        return request.api_token


planted_api = NinjaAPI(urls_namespace="planted", auth=_Token(), docs_url=None, openapi_url=None)


@planted_api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return planted_api.create_response(request, {"detail": "forbidden"}, status=403)


@planted_api.delete("/clients/{client_id}")
def api_delete_without_role(request, client_id: int):
    return {"name": _visible_client(request.membership, client_id).name}


@planted_api.get("/clients/{client_id}/name")
def api_name_beyond_limit(request, client_id: int):
    require(request.membership, "clients.read")
    return {"name": get_or_404(Client.objects.for_account(request.account), pk=client_id).name}


# Its operations only: ninja's root answers 404 to everyone, which the account walk would report.
_api_patterns, _app, _namespace = planted_api.urls
_operations = [p for p in _api_patterns if p.name != "api-root"]

planted = [
    path("a/<slug:account_slug>/leak/<int:token_id>/", leaky_token_name, name="leaky_token_name"),
    path(
        "a/<slug:account_slug>/planted/<int:client_id>/archive/",
        archive_without_role,
        name="planted_archive_without_role",
    ),
    path(
        "a/<slug:account_slug>/planted/<int:client_id>/name/",
        name_beyond_limit,
        name="planted_name_beyond_limit",
    ),
    path("api/v1/planted/", (_operations, _app, _namespace)),
]
urlpatterns = [*planted, *real_patterns]


class PlantedOnly:
    """The planted patterns alone, for a walk that need not repeat the real ones (requests still
    resolve through this module as ROOT_URLCONF)."""

    urlpatterns = planted
