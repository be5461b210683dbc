"""The client page's Apps tab, below /a/<account_slug>/clients/."""

from django.urls import path

from clientdesk.software.views import client_tab

urlpatterns = [
    path("<int:client_id>/apps/", client_tab.client_apps, name="client_apps"),
    path("<int:client_id>/apps/add/", client_tab.client_app_add, name="client_app_add"),
    path(
        "<int:client_id>/apps/<int:application_id>/",
        client_tab.client_app_edit,
        name="client_app_edit",
    ),
    path(
        "<int:client_id>/apps/<int:application_id>/remove/",
        client_tab.client_app_remove,
        name="client_app_remove",
    ),
]
