"""The client page's Files tab: the client's documents, newest first; several files uploaded
at once with a name each (frontend/documents.js sends them one by one with a progress bar;
without JavaScript the form posts them together); download, image preview, rename, share with
the portal or not, delete.

Every view reads the client, then the document, through the member's scope (404 otherwise),
then checks the role (`documents.write` for every change).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clientdesk.clients.queries import get_client
from clientdesk.clients.views.detail import page_context
from clientdesk.core.roles import require
from clientdesk.core.tenancy import get_or_404
from clientdesk.documents import queries, services, storage
from clientdesk.documents.files import BLOCKED_EXTENSIONS

CAPABILITY = "documents.write"


def _tab_url(request, client) -> str:
    return reverse("client_documents", args=[request.account.slug, client.pk])


def _document(request, client, document_id):
    return get_or_404(queries.client_documents(request.membership, client), pk=document_id)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_GET
def client_documents(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    documents = list(queries.client_documents(request.membership, client))
    for document in documents:
        document.previewable = storage.can_preview(document.content_type)
    context = page_context(request, client) | {
        "client": client,
        "active_tab": "documents",
        "documents": documents,
        "max_bytes": storage.max_bytes(),
        "blocked": ", ".join(sorted(BLOCKED_EXTENSIONS)),
    }
    return render(request, "documents/client_tab.html", context)


@require_POST
def document_upload(request: HttpRequest, client_id: int) -> HttpResponse:
    """One or more `file`s, each with its `name` (same order); `shared_with_portal` for all."""
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, CAPABILITY)
    files = request.FILES.getlist("file")
    names = request.POST.getlist("name")
    shared = request.POST.get("shared_with_portal") in ("1", "on", "true")
    done, errors = [], []
    for i, upload in enumerate(files):
        try:
            document = services.document_upload(
                client=client,
                actor=request.membership,
                upload=upload,
                name=names[i] if i < len(names) else "",
                shared_with_portal=shared,
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            done.append(document.name)
    if not files:
        errors.append(_("Choose one or more files to upload."))
    if _wants_json(request):
        return JsonResponse({"uploaded": done, "errors": errors}, status=400 if errors else 201)
    if done:
        messages.success(request, _("Uploaded: %(names)s.") % {"names": ", ".join(done)})
    for error in errors:
        messages.error(request, error)
    return redirect(_tab_url(request, client))


@require_GET
def document_download(request: HttpRequest, client_id: int, document_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    document = _document(request, client, document_id)
    return storage.download_response(
        stored_name=document.stored_name,
        filename=document.filename,
        content_type=document.content_type,
    )


@require_GET
def document_preview(request: HttpRequest, client_id: int, document_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    document = _document(request, client, document_id)
    if not storage.can_preview(document.content_type):
        raise Http404
    return storage.preview_response(
        stored_name=document.stored_name, content_type=document.content_type
    )


def _version(request) -> int | None:
    """The version the page showed (the rename and share forms send it)."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _stale(request, exc: services.StaleDocument) -> None:
    current = exc.current
    if current.deleted_at is not None:
        text = _("Someone deleted %(name)s meanwhile; nothing was changed.")
    else:
        text = _(
            "Someone changed this file meanwhile (it is now %(name)s, %(shared)s); nothing was "
            "changed. Look at it again and repeat your change if it still holds."
        )
    shared = _("shared with the portal") if current.shared_with_portal else _("not shared")
    messages.error(request, text % {"name": current.name, "shared": shared})


@require_POST
def document_rename(request: HttpRequest, client_id: int, document_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    document = _document(request, client, document_id)
    require(request.membership, CAPABILITY)
    try:
        document = services.document_update(
            document=document,
            actor=request.membership,
            version=_version(request),
            name=request.POST.get("name", ""),
        )
    except services.StaleDocument as exc:
        _stale(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Renamed to %(name)s.") % {"name": document.name})
    return redirect(_tab_url(request, client))


@require_POST
def document_share(request: HttpRequest, client_id: int, document_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    document = _document(request, client, document_id)
    require(request.membership, CAPABILITY)
    shared = request.POST.get("shared_with_portal") in ("1", "on", "true")
    try:
        document = services.document_update(
            document=document,
            actor=request.membership,
            version=_version(request),
            shared_with_portal=shared,
        )
    except services.StaleDocument as exc:
        _stale(request, exc)
        return redirect(_tab_url(request, client))
    if document.shared_with_portal:
        text = _("%(name)s is shared with the portal.")
    else:
        text = _("%(name)s is no longer shared with the portal.")
    messages.success(request, text % {"name": document.name})
    return redirect(_tab_url(request, client))


@require_POST
def document_delete(request: HttpRequest, client_id: int, document_id: int) -> HttpResponse:
    client = get_client(membership=request.membership, pk=client_id)
    document = _document(request, client, document_id)
    require(request.membership, CAPABILITY)
    services.document_delete(document=document, actor=request.membership)
    messages.success(request, _("%(name)s was deleted.") % {"name": document.name})
    return redirect(_tab_url(request, client))
