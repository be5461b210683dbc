"""Ticket pages below /a/<account_slug>/tickets/; the client's Support Tickets tab is joined
below /a/<account_slug>/clients/ (client_urls.py)."""

from django.urls import path

from clientdesk.tickets.views import listing, ticket

urlpatterns = [
    path("", listing.ticket_list, name="ticket_list"),
    path("columns/", listing.ticket_columns, name="ticket_columns"),
    path("board/", listing.ticket_board, name="ticket_board"),
    path("new/", ticket.ticket_new, name="ticket_new"),
    path("<int:ticket_id>/", ticket.ticket_detail, name="ticket_detail"),
    path("<int:ticket_id>/preview/", ticket.ticket_preview, name="ticket_preview"),
    path("<int:ticket_id>/edit/", ticket.ticket_edit, name="ticket_edit"),
    path("<int:ticket_id>/reply/", ticket.ticket_reply, name="ticket_reply"),
    path("<int:ticket_id>/move/", ticket.ticket_move, name="ticket_move"),
    path(
        "<int:ticket_id>/files/<int:attachment_id>/",
        ticket.ticket_attachment,
        name="ticket_attachment",
    ),
]
