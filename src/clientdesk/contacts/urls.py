"""The Contacts tab, below /a/<account_slug>/clients/<client_id>/contacts/ (included from
clients.urls, beside the other tabs of the client page)."""

from django.urls import path

from clientdesk.contacts import views

urlpatterns = [
    path("<int:client_id>/contacts/", views.contacts_tab, name="client_contacts"),
    path("<int:client_id>/contacts/new/", views.contact_add, name="client_contact_add"),
    path("<int:client_id>/contacts/bulk/", views.contacts_bulk, name="client_contacts_bulk"),
    path(
        "<int:client_id>/contacts/columns/", views.contacts_columns, name="client_contacts_columns"
    ),
    path(
        "<int:client_id>/contacts/<int:contact_id>/edit/",
        views.contact_edit,
        name="client_contact_edit",
    ),
]
