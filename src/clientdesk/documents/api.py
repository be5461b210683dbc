"""The documents API (DESIGN §7): a client's documents listed and uploaded (multipart), one
document's fields, its download, and its deletion.

Handlers look the client or document up through the membership's scope first (anything not
visible is the same 404 as missing), then check the role, then read the form and call the one
write path in documents.services.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as Answer
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from clientdesk.clients.queries import get_client
from clientdesk.core.api_schemas import NO_NUL, ErrorOut, Id, Strict
from clientdesk.core.roles import require
from clientdesk.documents import queries, services, storage
from clientdesk.documents.models import Document

router = Router(tags=["documents"])

CAPABILITY = "documents.write"
FORM_ALLOWANCE = 64 * 1024  # the form's other fields and the multipart framing
READ = {401: ErrorOut, 404: ErrorOut}


class DocumentOut(Schema):
    id: int
    client_id: int
    name: str
    filename: str = Field(description="The name a download is offered under (cleaned).")
    size: int = Field(description="Bytes.")
    content_type: str
    shared_with_portal: bool
    uploaded_by: str | None = Field(
        description="The uploader's email (a team member, or a portal user of the client)."
    )
    uploaded_at: datetime


class DocumentPage(Schema):
    items: list[DocumentOut]
    next: str | None


class DocumentIn(Strict):
    """The form fields beside the file (text, as forms send it)."""

    model_config = ConfigDict(strict=False)

    name: str = Field("", max_length=200, pattern=NO_NUL, description="Empty: the file's own name.")
    # A form field is text: exactly `true` or `false`.
    shared_with_portal: Literal["true", "false"] = Field(
        "false", description="true: the client's portal shows it."
    )


UPLOAD_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The file (programs and scripts are refused).",
                        },
                        **DocumentIn.model_json_schema()["properties"],
                    },
                    "additionalProperties": False,
                }
            }
        },
    }
}
FILE_ANSWER = {
    "responses": {
        200: {
            "description": "The file, as an attachment.",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}  # fmt: skip


def document_out(document: Document) -> dict:
    return {
        "id": document.pk,
        "client_id": document.client_id,
        "name": document.name,
        "filename": document.filename,
        "size": document.size,
        "content_type": document.content_type,
        "shared_with_portal": document.shared_with_portal,
        "uploaded_by": document.uploaded_by.email if document.uploaded_by_id else None,
        "uploaded_at": document.uploaded_at,
    }


@router.get("/clients/{client_id}/documents", response={200: DocumentPage, **READ})
def documents_list(request, client_id: Id):
    """The client's documents, newest first (not its sub-clients')."""
    client = get_client(membership=request.membership, pk=client_id)
    documents = queries.client_documents(request.membership, client)
    return {"items": [document_out(d) for d in documents], "next": None}


@router.post(
    "/clients/{client_id}/documents",
    response={201: DocumentOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=UPLOAD_FORM,
)
def document_post(request, client_id: Id):
    """Upload a file for the client (multipart: `file`, `name`, `shared_with_portal`). 422:
    no file, an empty one, one over the size limit, or a program or script (by its content or
    its extension). Technicians and above."""
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, CAPABILITY)
    # One file a request: a body much larger than the limit is refused before it is read.
    if int(request.META.get("CONTENT_LENGTH") or 0) > storage.max_bytes() + FORM_ALLOWANCE:
        raise ValidationError({"file": [storage.too_large_message()]})
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": [_("Choose a file to upload.")]})
    try:
        form = DocumentIn.model_validate(request.POST.dict())
    except PydanticValidationError as exc:
        raise NinjaValidationError(
            [{**e, "loc": ("form", *e.get("loc", ()))} for e in exc.errors(include_url=False)]
        ) from None
    document = services.document_upload(
        client=client,
        actor=request.membership,
        upload=upload,
        name=form.name,
        shared_with_portal=form.shared_with_portal == "true",
    )
    return Answer(201, document_out(document))


@router.get("/documents/{document_id}", response={200: DocumentOut, **READ})
def document_get(request, document_id: Id):
    """One document's fields; 404 when it is missing, deleted or of a client you cannot see."""
    return document_out(queries.get_document(membership=request.membership, pk=document_id))


@router.get("/documents/{document_id}/download", response=READ, openapi_extra=FILE_ANSWER)
def document_download(request, document_id: Id):
    """The file itself, always as an attachment under its cleaned file name."""
    document = queries.get_document(membership=request.membership, pk=document_id)
    return storage.download_response(
        stored_name=document.stored_name,
        filename=document.filename,
        content_type=document.content_type,
    )


@router.delete(
    "/documents/{document_id}", response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def document_delete(request, document_id: Id):
    """Delete the document: gone from the pages, the portal and the API. Technicians and
    above."""
    document = queries.get_document(membership=request.membership, pk=document_id)
    require(request.membership, CAPABILITY)
    services.document_delete(document=document, actor=request.membership)
    return Answer(204, None)
