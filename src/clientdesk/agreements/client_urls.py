"""The client page's Agreements tab, below /a/<account_slug>/clients/."""

from django.urls import path

from clientdesk.agreements.views import client_tab

urlpatterns = [
    path("<int:client_id>/agreements/", client_tab.client_agreements, name="client_agreements"),
]
