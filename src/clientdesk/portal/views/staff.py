"""The portal's actions on a client's page (staff side): invite, resend, revoke, close access.

Joined to /a/<account_slug>/clients/ through core.registry.account_urls (portal.apps); every view
starts from clients.queries.get_client, so a client hidden from the member is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientdesk.clients import queries
from clientdesk.clients.models import Client
from clientdesk.contacts import queries as contact_queries
from clientdesk.contacts.models import Contact
from clientdesk.core.roles import require
from clientdesk.portal import services as portal


def _client(request, client_id: int) -> Client:
    return queries.get_client(membership=request.membership, pk=client_id)


def _to_detail(client: Client):
    return redirect("client_detail", account_slug=client.account.slug, client_id=client.pk)


def _back_from_portal(request, client: Client):
    """To the tab the action came from (the Contacts tab invites any contact)."""
    if request.POST.get("back") == "contacts":
        url = reverse("client_contacts", args=[request.account.slug, client.pk])
        query = request.POST.get("return_query", "")
        return redirect(f"{url}?{query}" if query else url)
    return _to_detail(client)


def _invite(request, client: Client, contact: Contact | None) -> HttpResponse:
    try:
        invitation = portal.portal_invite(client=client, actor=request.membership, contact=contact)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The portal invitation is on its way to %(email)s. The link works for %(days)s days.")
            % {"email": invitation.email, "days": portal.INVITATION_DAYS},
        )
    return _back_from_portal(request, client)


@require_POST
def client_invite(request, client_id: int) -> HttpResponse:
    """Invite the primary contact, or the contact named by `contact` (any of this client's)."""
    client = _client(request, client_id)
    require(request.membership, "clients.invite")
    contact = None
    if request.POST.get("contact"):
        try:
            contact_id = int(request.POST["contact"])
        except ValueError:
            raise Http404 from None
        contact = contact_queries.get_contact(membership=request.membership, pk=contact_id)
        if contact.client_id != client.pk:
            raise Http404
    return _invite(request, client, contact)


@require_POST
def client_invitation_resend(request, client_id: int, portal_invitation_id: int) -> HttpResponse:
    """A new link to the same contact; the older one stops working."""
    client = _client(request, client_id)
    invitation = portal.portal_invitation_of(client=client, pk=portal_invitation_id)
    if invitation is None:
        raise Http404
    require(request.membership, "clients.invite")
    return _invite(request, client, invitation.contact)


@require_POST
def client_invitation_revoke(request, client_id: int, portal_invitation_id: int) -> HttpResponse:
    client = _client(request, client_id)
    invitation = portal.portal_invitation_of(client=client, pk=portal_invitation_id)
    if invitation is None:
        raise Http404
    require(request.membership, "clients.invite")
    portal.portal_invitation_revoke(invitation=invitation, actor=request.membership)
    messages.success(
        request,
        _("The invitation to %(email)s was revoked: its link no longer works.")
        % {"email": invitation.email},
    )
    return _back_from_portal(request, client)


@require_POST
def client_access_revoke(request, client_id: int, access_id: int) -> HttpResponse:
    client = _client(request, client_id)
    access = portal.portal_access_of(client=client, pk=access_id)
    if access is None:
        raise Http404
    require(request.membership, "clients.invite")
    portal.portal_access_revoke(access=access, actor=request.membership)
    messages.success(
        request,
        _("%(email)s no longer has access to this client's portal.") % {"email": access.user.email},
    )
    return _back_from_portal(request, client)


urlpatterns = [
    path("<int:client_id>/invite/", client_invite, name="client_invite"),
    path(
        "<int:client_id>/portal/invitations/<int:portal_invitation_id>/resend/",
        client_invitation_resend,
        name="client_invitation_resend",
    ),
    path(
        "<int:client_id>/portal/invitations/<int:portal_invitation_id>/revoke/",
        client_invitation_revoke,
        name="client_invitation_revoke",
    ),
    path(
        "<int:client_id>/portal/users/<int:access_id>/revoke/",
        client_access_revoke,
        name="client_access_revoke",
    ),
]
