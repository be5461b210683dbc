"""The client's documents in the portal: those shared with it (its own uploads are shared from
the start), downloaded as attachments; a portal user posts documents for their client with the
same limits and checks as staff. Every view goes through `portal_view` (the scope decides the
client); any other document is 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clientdesk.documents import queries, services, storage
from clientdesk.portal.views.base import portal_render, portal_view


@portal_view
@require_GET
def documents_page(request, scope):
    return portal_render(
        request,
        "documents/portal/documents.html",
        {
            "documents": queries.portal_documents(scope.client),
            "max_bytes": storage.max_bytes(),
        },
    )


@portal_view
@require_POST
def document_upload(request, scope):
    files = request.FILES.getlist("file")
    names = request.POST.getlist("name")
    done, errors = [], []
    for i, upload in enumerate(files):
        try:
            document = services.document_upload(
                client=scope.client,
                actor=request.user,
                upload=upload,
                name=names[i] if i < len(names) else "",
                contact=scope.access.contact,
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            done.append(document.name)
    if not files:
        errors.append(_("Choose one or more files to upload."))
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"uploaded": done, "errors": errors}, status=400 if errors else 201)
    if done:
        messages.success(
            request,
            _("Sent to %(provider)s: %(names)s.")
            % {"provider": scope.account.name, "names": ", ".join(done)},
        )
    for error in errors:
        messages.error(request, error)
    return redirect(reverse("portal_documents"))


@portal_view
@require_GET
def document_download(request, scope, document_id: int):
    document = queries.portal_document(scope.client, document_id)
    return storage.download_response(
        stored_name=document.stored_name,
        filename=document.filename,
        content_type=document.content_type,
    )
