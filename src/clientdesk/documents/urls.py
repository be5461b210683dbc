"""The client page's Files tab, below /a/<account_slug>/clients/."""

from django.urls import path

from clientdesk.documents.views import client_tab

D = "<int:client_id>/files/<int:document_id>/"

urlpatterns = [
    path("<int:client_id>/files/", client_tab.client_documents, name="client_documents"),
    path("<int:client_id>/files/upload/", client_tab.document_upload, name="document_upload"),
    path(D + "download/", client_tab.document_download, name="document_download"),
    path(D + "preview/", client_tab.document_preview, name="document_preview"),
    path(D + "rename/", client_tab.document_rename, name="document_rename"),
    path(D + "share/", client_tab.document_share, name="document_share"),
    path(D + "delete/", client_tab.document_delete, name="document_delete"),
]
