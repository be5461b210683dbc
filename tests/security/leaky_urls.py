"""The real URLconf plus one deliberately unscoped view, to prove the walker catches it."""

from django.http import HttpResponse
from django.urls import path

from clientdesk.core.tenancy import unscoped
from clientdesk.integrations.models import ApiToken
from clientdesk.urls import handler404  # noqa: F401
from clientdesk.urls import urlpatterns as real_patterns


def leaky_token_name(request, token_id: int):
    # The mistake the walker exists for: a lookup that forgets the account. A plain
    # `ApiToken.objects.get(pk=…)` no longer reaches the database (core.tenancy refuses it), so
    # the mistake left to make is the escape hatch used where it does not belong.
    with unscoped():
        return HttpResponse(ApiToken.objects.get(pk=token_id).name)


urlpatterns = [
    path("a/<slug:account_slug>/leak/<int:token_id>/", leaky_token_name),
    *real_patterns,
]
