"""The client page's Support Tickets tab, below /a/<account_slug>/clients/."""

from django.urls import path

from clientdesk.tickets.views import client_sla, client_tab

urlpatterns = [
    path("<int:client_id>/tickets/", client_tab.client_tickets, name="client_tickets"),
    path("<int:client_id>/sla/", client_sla.client_sla, name="client_sla"),
]
