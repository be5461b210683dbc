"""Downloads below /a/<account_slug>/transfer/ (included from core.account_urls)."""

from django.urls import path

from clientdesk.transfer import export_views

urlpatterns = [
    # reverse("import_template", args=[slug, "clients", "xlsx"]) → …/transfer/templates/clients.xlsx
    path("templates/<slug:kind>.<slug:fmt>", export_views.import_template, name="import_template"),
    path("export/clients/", export_views.clients_export, name="clients_export"),
    path(
        "export/clients/<int:client_id>/contacts/",
        export_views.contacts_export,
        name="contacts_export",
    ),
]
