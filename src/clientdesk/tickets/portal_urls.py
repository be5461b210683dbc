"""The client's requests in the portal, below /portal/requests/."""

from django.urls import path

from clientdesk.tickets.views import portal

urlpatterns = [
    path("", portal.requests_page, name="portal_requests"),
    path("new/", portal.request_new, name="portal_request_new"),
    path("copies/", portal.request_copies, name="portal_request_copies"),
    path("<int:ticket_id>/", portal.request_detail, name="portal_request"),
    path("<int:ticket_id>/reply/", portal.request_reply, name="portal_request_reply"),
    path(
        "<int:ticket_id>/files/<int:attachment_id>/",
        portal.request_attachment,
        name="portal_request_attachment",
    ),
]
