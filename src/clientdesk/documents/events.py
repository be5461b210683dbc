"""What the documents domain records in the activity log, and how it reads (audit.verbs)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import (
    Field,
    Name,
    Ref,
    Verb,
    YesNo,
    label_of,
    names_declare,
    verbs_declare,
)
from clientdesk.clients.queries import clients_visible
from clientdesk.documents.models import Document

CLIENT = Field(_("client"), Ref("clients.client"))

DOCUMENT_UPLOADED = Verb(
    "document.uploaded",
    "documents.document",
    _("%(actor)s uploaded %(target)s for %(within)s"),
    fields={
        "client": CLIENT,
        "shared_with_portal": Field(label_of(Document, "shared_with_portal"), YesNo()),
    },
)
DOCUMENT_UPDATED = Verb(
    "document.updated",
    "documents.document",
    _("%(actor)s changed %(target_s)s %(change)s (%(within)s)"),
    edit=True,
    fields={
        "name": Field(label_of(Document, "name")),
        "shared_with_portal": Field(label_of(Document, "shared_with_portal"), YesNo()),
    },
)
DOCUMENT_DELETED = Verb(
    "document.deleted", "documents.document", _("%(actor)s deleted %(target)s (%(within)s)")
)

verbs_declare(DOCUMENT_UPLOADED, DOCUMENT_UPDATED, DOCUMENT_DELETED)


def documents_named(reader, ids: set[str]) -> dict[str, Name]:
    """Documents by name, within their client; one of a client the reader cannot see is not
    named."""
    rows = (
        Document.objects.for_account(reader.account_id)
        .filter(pk__in=[i for i in ids if i.isdigit()])
        .annotate(seen=Exists(clients_visible(reader).filter(pk=OuterRef("client_id"))))
        .values_list("pk", "name", "client_id", "client__name", "client__deleted_at", "seen")
    )
    slug = reader.account.slug
    named = {}
    for pk, name, client_id, client, client_gone, seen in rows:
        if not seen:
            named[str(pk)] = Name(str(_("a document you cannot see")))
            continue
        live = client_gone is None
        within = Name(client, reverse("client_detail", args=[slug, client_id]) if live else None)
        url = reverse("client_documents", args=[slug, client_id]) if live else None
        named[str(pk)] = Name(name, url, within=within)
    return named


names_declare("documents.document", documents_named, missing=_("a document since removed"))
