"""Reads of the client portal. Every portal page goes through `portal_scope`: it is the ONE place
that decides which client a signed-in portal user is looking at, so no view can forget it.

A person may hold several accesses (one per client they are a contact of) and, where staff allowed
it on the access, look at the sub-clients of that client too. The client chosen last is kept in
`request.session["portal_client_id"]`.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.clients.models import Client, Status
from clientdesk.clients.queries import descendant_ids
from clientdesk.contacts.models import Contact
from clientdesk.portal.models import PortalAccess, PortalInvitation

SESSION_KEY = "portal_client_id"
CLOSED_STATUSES = frozenset({Status.INACTIVE, Status.OFFBOARDING})
CLOSED_MESSAGE = _(
    "Your provider has closed this portal. If you think this is a mistake, contact them directly."
)
NO_PORTAL_MESSAGE = _("This email address has no client portal here.")


class PortalClosed(Http404):
    """The person's client has been closed by the provider: say so instead of a bare 404."""


@dataclass
class PortalScope:
    access: PortalAccess  # the access that lets the person in
    client: Client  # the client they look at: the access's own client or one of its sub-clients

    @property
    def account(self):
        return self.access.account

    @property
    def is_own_client(self) -> bool:
        return self.client.pk == self.access.client_id

    @property
    def can_manage_contacts(self) -> bool:
        """Only the primary contact, on their own client, invites and deactivates colleagues."""
        contact = self.access.contact
        return self.is_own_client and contact.is_primary and contact.active


def client_is_open(client: Client) -> bool:
    return (
        client.deleted_at is None and not client.archived and client.status not in CLOSED_STATUSES
    )


def _open_clients(account_id: int) -> QuerySet[Client]:
    return (
        Client.objects.for_account(account_id)
        .filter(deleted_at=None, archived=False)
        .exclude(status__in=CLOSED_STATUSES)
    )


def portal_accesses(*, user) -> list[PortalAccess]:
    """The person's live accesses whose client still exists, open or closed, by client name."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        PortalAccess.objects.of_user(user)
        .filter(
            active=True,
            client__deleted_at=None,
            contact__deleted_at=None,
            contact__active=True,
        )
        .select_related("client", "contact", "account")
        .order_by("client__name", "pk")
    )


def sign_in_problem(*, user) -> str | None:
    """Why this person may not sign in to the portal, or None."""
    accesses = portal_accesses(user=user)
    if not accesses:
        return str(NO_PORTAL_MESSAGE)
    if not any(client_is_open(a.client) for a in accesses):
        return str(CLOSED_MESSAGE)
    return None


def portal_scope(*, user, session) -> PortalScope:
    """The access and the client the person is looking at now; Http404 when there is none
    (PortalClosed when the person's client has been closed). Stores the choice in the session."""
    accesses = portal_accesses(user=user)
    if not accesses:
        raise Http404
    usable = [a for a in accesses if client_is_open(a.client)]
    wanted = session.get(SESSION_KEY)
    for access in usable:
        if access.client_id == wanted:
            return PortalScope(access=access, client=access.client)
    if wanted is not None:
        sub = _reachable_subclient(usable, wanted)
        if sub is not None:
            return sub
        if any(a.client_id == wanted for a in accesses):
            raise PortalClosed  # the client they were looking at has been closed since
    if not usable:
        raise PortalClosed
    session[SESSION_KEY] = usable[0].client_id
    return PortalScope(access=usable[0], client=usable[0].client)


def _reachable_subclient(accesses: list[PortalAccess], client_id) -> PortalScope | None:
    for access in accesses:
        if access.can_see_subclients and client_id in descendant_ids(client=access.client):
            sub = (
                _open_clients(access.account_id)
                .filter(pk=client_id)
                .select_related("account")
                .first()
            )
            if sub is not None:
                return PortalScope(access=access, client=sub)
    return None


def switch_choices(*, user) -> list[tuple[Client, int]]:
    """Every client the person may switch to: (client, depth below their own client)."""
    choices: list[tuple[Client, int]] = []
    seen: set[int] = set()
    for access in portal_accesses(user=user):
        if not client_is_open(access.client) or access.client_id in seen:
            continue
        choices.append((access.client, 0))
        seen.add(access.client_id)
        if access.can_see_subclients:
            for sub in subclients(access=access):
                if sub.pk not in seen:
                    choices.append((sub, 1))
                    seen.add(sub.pk)
    return choices


def switch_target(*, user, client_id) -> int:
    """The client id to look at next, if it is one of the person's choices; else Http404."""
    try:
        client_id = int(client_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not any(client.pk == client_id for client, _depth in switch_choices(user=user)):
        raise Http404
    return client_id


def subclients(*, access: PortalAccess) -> list[Client]:
    """The open sub-clients (any depth) an access may look at; none unless staff allowed it."""
    if not access.can_see_subclients:
        return []
    ids = descendant_ids(client=access.client)
    return list(_open_clients(access.account_id).filter(pk__in=ids).order_by("name"))


def primary_contact(*, client: Client) -> Contact | None:
    return (
        Contact.objects.for_client(client)
        .filter(is_primary=True, deleted_at=None, active=True)
        .first()
    )


def portal_contacts(*, scope: PortalScope) -> list[Contact]:
    """The client's contacts, active first, each with `.has_access` and `.invited`."""
    now = timezone.now()
    return list(
        Contact.objects.for_client(scope.client)
        .filter(deleted_at=None)
        .annotate(
            has_access=Exists(
                PortalAccess.objects.for_account(scope.client.account_id).filter(
                    contact=OuterRef("pk"), active=True
                )
            ),
            invited=Exists(
                PortalInvitation.objects.for_account(scope.client.account_id).filter(
                    contact=OuterRef("pk"),
                    accepted_at=None,
                    revoked_at=None,
                    expires_at__gt=now,
                )
            ),
        )
        .order_by("-active", "-is_primary", "last_name", "first_name", "pk")
    )


def portal_contact(*, scope: PortalScope, pk) -> Contact:
    """A contact of the client being looked at; 404 for any other, exactly like a missing one."""
    contact = Contact.objects.for_client(scope.client).filter(Q(pk=pk) & Q(deleted_at=None)).first()
    if contact is None:
        raise Http404
    return contact


def live_accesses(*, contact: Contact) -> list[PortalAccess]:
    return list(
        PortalAccess.objects.for_account(contact.account_id)
        .filter(contact=contact, active=True)
        .select_related("user")
    )


def open_invitations(*, contact: Contact) -> list[PortalInvitation]:
    return list(
        PortalInvitation.objects.for_account(contact.account_id).filter(
            contact=contact, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
        )
    )


def has_portal(*, user) -> bool:
    """Whether this person holds any live portal access (open or not)."""
    return PortalAccess.objects.of_user(user).filter(active=True).exists()
