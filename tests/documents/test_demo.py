"""The demo's documents: real uploads in the storage, dated in the past, some shared."""

from django.core.files.storage import storages

from clientdesk.documents.demo import demo_documents_create
from clientdesk.documents.models import Document
from tests.clients.factories import make_client


def test_the_demo_uploads_a_few_documents_once(cast):
    for n in range(3):
        make_client(cast, prefix=f"D{n}", name=f"Demo {n}")
    made = demo_documents_create(account=cast.account, seed=5)
    assert made == Document.objects.count() > 0
    for document in Document.objects.all():
        assert storages["default"].exists(document.stored_name)
        assert document.uploaded_by in (cast.technician.user, cast.manager.user)
    assert demo_documents_create(account=cast.account, seed=5) == 0
