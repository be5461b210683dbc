"""The client's documents in the portal, below /portal/documents/."""

from django.urls import path

from clientdesk.documents.views import portal

urlpatterns = [
    path("", portal.documents_page, name="portal_documents"),
    path("upload/", portal.document_upload, name="portal_document_upload"),
    path("<int:document_id>/download/", portal.document_download, name="portal_document_download"),
]
