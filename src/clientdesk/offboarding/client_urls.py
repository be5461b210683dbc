"""The client page's off-boarding view and its writes, below /a/<account_slug>/clients/."""

from django.urls import path

from clientdesk.offboarding.views import client

urlpatterns = [
    path("<int:client_id>/offboarding/", client.client_offboarding, name="client_offboarding"),
    path("<int:client_id>/offboarding/start/", client.offboarding_start, name="offboarding_start"),
    path(
        "<int:client_id>/offboarding/items/<int:item_id>/",
        client.offboarding_tick,
        name="offboarding_tick",
    ),
    path(
        "<int:client_id>/offboarding/complete/",
        client.offboarding_complete,
        name="offboarding_complete",
    ),
    path(
        "<int:client_id>/offboarding/cancel/", client.offboarding_cancel, name="offboarding_cancel"
    ),
    path("<int:client_id>/win-back/", client.client_win_back, name="client_win_back"),
]
