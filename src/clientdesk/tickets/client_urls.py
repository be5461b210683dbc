"""The client page's Support Tickets tab, below /a/<account_slug>/clients/."""

from django.urls import path

from clientdesk.tickets.views import client_tab

urlpatterns = [path("<int:client_id>/tickets/", client_tab.client_tickets, name="client_tickets")]
