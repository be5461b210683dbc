"""Settings › API tokens, below /a/<account_slug>/settings/tokens/."""

from django.urls import path

from clientdesk.integrations.views import token_revoke, tokens

urlpatterns = [
    path("", tokens, name="api_tokens"),
    path("<int:token_id>/revoke/", token_revoke, name="api_token_revoke"),
]
