"""Reads on documents shared by the pages, the portal and the API. A document is reachable only
through a client the member may see (staff), or as a shared document of the client the portal
shows (portal.queries.portal_scope chose it); a deleted one is reachable by nobody."""

from django.db.models import QuerySet

from clientdesk.core.models import Membership
from clientdesk.core.tenancy import get_for, get_or_404
from clientdesk.documents.models import Document

ORDER = ["-uploaded_at", "-id"]


def client_documents(membership: Membership, client) -> QuerySet[Document]:
    """The documents of one client (read in the member's scope), newest first."""
    return (
        Document.objects.for_member(membership)
        .filter(client_id=client.pk)
        .select_related("uploaded_by", "uploaded_by_contact")
        .order_by(*ORDER)
    )


def get_document(*, membership: Membership, pk) -> Document:
    """A document of a client this member may see, else 404 (like a missing one)."""
    return get_for(
        membership,
        Document.objects.select_related("client", "uploaded_by", "uploaded_by_contact"),
        pk,
    )


def portal_documents(client) -> QuerySet[Document]:
    """What the portal shows of the client: the documents shared with it, its own uploads
    among them."""
    return (
        Document.objects.for_client(client)
        .filter(shared_with_portal=True, deleted_at=None)
        .select_related("uploaded_by_contact")
        .order_by(*ORDER)
    )


def portal_document(client, pk) -> Document:
    return get_or_404(portal_documents(client), pk=pk)


def counts(membership: Membership, client_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    rows = (
        Document.objects.for_member(membership)
        .filter(client_id__in=client_ids)
        .values("client_id")
        .annotate(n=Count("id"))
    )
    return {row["client_id"]: row["n"] for row in rows}
