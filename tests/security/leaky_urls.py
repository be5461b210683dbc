"""The real URLconf plus one deliberately unscoped view, to prove the walker catches it."""

from django.http import HttpResponse
from django.urls import path

from clientdesk.integrations.models import ApiToken
from clientdesk.urls import handler404  # noqa: F401
from clientdesk.urls import urlpatterns as real_patterns


def leaky_token_name(request, token_id: int):
    # The mistake the walker exists for: a lookup that forgets the account.
    return HttpResponse(ApiToken.objects.get(pk=token_id).name)


urlpatterns = [
    path("a/<slug:account_slug>/leak/<int:token_id>/", leaky_token_name),
    *real_patterns,
]
