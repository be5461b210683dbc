"""Every write on documents: upload (limits and content checks, then the file in storage),
rename, sharing with the portal, soft delete.

The file is written to storage before the row; if the row's transaction fails, the file is
removed again, so no file outlives a failed upload. Deleting keeps the file (`deleted_at`):
nobody reaches it through any page or the API any more.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import event_record
from clientdesk.clients.models import Client
from clientdesk.core.actors import actor_user
from clientdesk.documents.events import DOCUMENT_DELETED, DOCUMENT_UPDATED, DOCUMENT_UPLOADED
from clientdesk.documents.files import display_name
from clientdesk.documents.models import Document
from clientdesk.documents.storage import file_discard, file_store


class StaleDocument(Exception):
    def __init__(self, document: Document):
        super().__init__("stale version")
        self.current = document


def _name(raw: str, fallback: str) -> str:
    return display_name(raw) or display_name(fallback)


def document_upload(
    *,
    client: Client,
    actor,
    upload,
    name: str = "",
    shared_with_portal: bool = False,
    contact=None,
) -> Document:
    """Keep `upload` for `client`. `contact`: the client's contact a portal user acts as (their
    uploads are shared with the portal: the client sees what it sent). ValidationError on
    `file` for an empty, too large or executable file."""
    if client.deleted_at is not None:
        raise ValidationError({"file": _("This client was deleted.")})
    stored = file_store(upload, account_id=client.account_id, client_id=client.pk)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                account_id=client.account_id,
                client=client,
                name=_name(name, stored.filename),
                filename=stored.filename,
                stored_name=stored.stored_name,
                size=stored.size,
                content_type=stored.content_type,
                sha256=stored.sha256,
                shared_with_portal=bool(shared_with_portal or contact is not None),
                uploaded_by=actor_user(actor),
                uploaded_by_contact=contact,
            )
            event_record(
                account=client.account,
                actor=actor,
                verb=DOCUMENT_UPLOADED,
                target=document,
                changes={
                    "client": [None, client.pk],
                    "shared_with_portal": [None, document.shared_with_portal],
                },
            )
    except BaseException:
        file_discard(stored.stored_name)
        raise
    return document


def _locked(document: Document) -> Document:
    return Document.objects.for_client(document.client).select_for_update().get(pk=document.pk)


@transaction.atomic
def document_update(
    *,
    document: Document,
    actor,
    version: int | None = None,
    name: str | None = None,
    shared_with_portal: bool | None = None,
) -> Document:
    """Rename it and/or share it with the portal or not; a stale `version` raises
    StaleDocument."""
    current = _locked(document)
    if version is not None and version != current.version:
        raise StaleDocument(current)
    changes: dict[str, list] = {}
    if name is not None:
        cleaned = display_name(name)
        if not cleaned:
            raise ValidationError({"name": _("Give the document a name.")})
        if cleaned != current.name:
            changes["name"] = [current.name, cleaned]
            current.name = cleaned
    if shared_with_portal is not None and bool(shared_with_portal) != current.shared_with_portal:
        changes["shared_with_portal"] = [current.shared_with_portal, bool(shared_with_portal)]
        current.shared_with_portal = bool(shared_with_portal)
    if changes:
        current.version += 1
        current.save(update_fields=[*changes, "version"])
        event_record(
            account=current.client.account,
            actor=actor,
            verb=DOCUMENT_UPDATED,
            target=current,
            changes=changes,
        )
    return current


@transaction.atomic
def document_delete(*, document: Document, actor) -> Document:
    """Soft delete: gone from every page, the portal and the API; the file stays in storage."""
    current = _locked(document)
    if current.deleted_at is None:
        current.deleted_at = timezone.now()
        current.deleted_by = actor_user(actor)
        current.version += 1
        current.save(update_fields=["deleted_at", "deleted_by", "version"])
        event_record(
            account=current.client.account, actor=actor, verb=DOCUMENT_DELETED, target=current
        )
    return current
