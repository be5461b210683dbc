"""Portal invitations and access, and the client's engagement that follows them (DESIGN §2):
silent → access_sent when an invitation goes out → engaged when a portal user accepts;
revoking every invitation and every access returns the client to silent.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientdesk.audit.events import event_record
from clientdesk.clients.models import Client, Engagement
from clientdesk.contacts.models import Contact
from clientdesk.core.actors import actor_user
from clientdesk.core.emails import email_queue
from clientdesk.core.models import Message, MessageState, User
from clientdesk.core.secrets import token_hash, token_new
from clientdesk.core.services import user_create
from clientdesk.portal.events import (
    ENGAGEMENT_CHANGED,
    PORTAL_ACCEPTED,
    PORTAL_ACCESS_REVOKED,
    PORTAL_INVITATION_FAILED,
    PORTAL_INVITATION_REVOKED,
    PORTAL_INVITED,
)
from clientdesk.portal.models import PortalAccess, PortalInvitation

INVITATION_DAYS = 7


class CannotInvite(ValidationError):
    """The invitation cannot go out (no primary contact, no email): pages show it, the API 409s."""


NO_PRIMARY = gettext_lazy("Add a primary contact with an email address to invite this client.")


def invite_blocker(*, client: Client, contact: Contact | None = None) -> str | None:
    """Why an invitation cannot be sent now, or None when it can."""
    if contact is None:
        contact = (
            Contact.objects.for_client(client).filter(is_primary=True, deleted_at=None).first()
        )
        if contact is None:
            return str(NO_PRIMARY)
    if contact.deleted_at is not None or contact.client_id != client.pk:
        return _("%(name)s is not a contact of this client.") % {"name": contact.full_name}
    if not contact.email:
        return _("%(name)s has no email address: add one to send the invitation.") % {
            "name": contact.full_name
        }
    if not contact.active:
        return _("%(name)s is inactive.") % {"name": contact.full_name}
    return None


def _set_engagement(client: Client, engagement: str, actor) -> None:
    if client.engagement != engagement:
        old = client.engagement
        Client.objects.for_account(client.account_id).filter(pk=client.pk).update(
            engagement=engagement
        )
        client.engagement = engagement
        event_record(
            account=client.account,
            actor=actor,
            verb=ENGAGEMENT_CHANGED,
            target=client,
            changes={"engagement": [old, engagement]},
        )


@transaction.atomic
def portal_invite(*, client: Client, actor, contact: Contact | None = None) -> PortalInvitation:
    """Send (or send again) the portal invitation to `contact`, the primary one by default."""
    client = (
        Client.objects.for_account(client.account_id)
        .select_for_update(of=("self",))
        .select_related("account")
        .get(pk=client.pk)
    )
    if contact is None:
        contact = (
            Contact.objects.for_client(client).filter(is_primary=True, deleted_at=None).first()
        )
    else:  # as it is now, under the client's lock (its email may have changed meanwhile)
        contact = Contact.objects.for_account(client.account_id).filter(pk=contact.pk).first()
    if contact is not None and contact.client_id != client.pk:
        raise ValidationError({"contact": _("Choose a contact of this client.")})
    reason = invite_blocker(client=client, contact=contact)
    if reason:
        raise CannotInvite({"email": [reason]})
    assert contact is not None
    now = timezone.now()
    PortalInvitation.objects.for_account(contact.account_id).filter(
        contact=contact, accepted_at=None, revoked_at=None
    ).update(revoked_at=now)
    raw, hashed = token_new()
    invitation = PortalInvitation.objects.create(
        account_id=client.account_id,
        client=client,
        contact=contact,
        email=contact.email,
        token_hash=hashed,
        invited_by=actor_user(actor),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    invitation.message = email_queue(
        account=client.account,
        to=contact.email,
        kind="portal_invitation",
        template="portal/email/invitation",
        requires="clients.invite",
        redact=[raw],
        context={"client": client, "contact": contact, "token": raw, "days": INVITATION_DAYS},
    )
    invitation.save(update_fields=["message"])
    if client.engagement == Engagement.SILENT:
        _set_engagement(client, Engagement.ACCESS_SENT, actor)
    event_record(
        account=client.account,
        actor=actor,
        verb=PORTAL_INVITED,
        target=client,
        changes={"invited": [None, contact.email], "contact": [None, contact.pk]},
    )
    return invitation


def _settle_engagement(client: Client, actor) -> None:
    """Back to silent when nothing is left open; access_sent while only invitations are."""
    if PortalAccess.objects.for_client(client).filter(active=True).exists():
        _set_engagement(client, Engagement.ENGAGED, actor)
    elif (
        PortalInvitation.objects.for_client(client)
        .filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .exists()
    ):
        _set_engagement(client, Engagement.ACCESS_SENT, actor)
    else:
        _set_engagement(client, Engagement.SILENT, actor)


@transaction.atomic
def engagements_settle(*, account) -> int:
    """The daily settling of engagement: a client still shown as *access sent* whose every
    invitation has lapsed (and who has no portal user) goes back to *silent*, so the Clients
    page and the metrics do not count an invitation nobody can use any more. Answers how many
    clients changed; each change is on its timeline."""
    now = timezone.now()
    still_open = PortalInvitation.objects.for_account(account).filter(
        client=OuterRef("pk"), accepted_at=None, revoked_at=None, expires_at__gt=now
    )
    in_use = PortalAccess.objects.for_account(account).filter(client=OuterRef("pk"), active=True)
    lapsed = (
        Client.objects.for_account(account)
        .filter(engagement=Engagement.ACCESS_SENT, deleted_at=None)
        .exclude(Exists(still_open))
        .exclude(Exists(in_use))
        .select_for_update(of=("self",))
        .select_related("account")
        .order_by("pk")
    )
    settled = 0
    for client in lapsed:
        _settle_engagement(client, actor=None)
        settled += 1
    return settled


@transaction.atomic
def portal_invitation_revoke(*, invitation: PortalInvitation, actor) -> None:
    client = (
        Client.objects.for_account(invitation.account_id)
        .select_for_update(of=("self",))
        .select_related("account")
        .get(pk=invitation.client_id)
    )
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        event_record(
            account=client.account,
            actor=actor,
            verb=PORTAL_INVITATION_REVOKED,
            target=client,
            changes={"invited": [invitation.email, None], "contact": [None, invitation.contact_id]},
        )
    _settle_engagement(client, actor)


@transaction.atomic
def portal_access_revoke(*, access: PortalAccess, actor) -> None:
    client = (
        Client.objects.for_account(access.account_id)
        .select_for_update(of=("self",))
        .select_related("account")
        .get(pk=access.client_id)
    )
    if access.active:
        access.active, access.revoked_at = False, timezone.now()
        access.save(update_fields=["active", "revoked_at"])
        event_record(
            account=client.account,
            actor=actor,
            verb=PORTAL_ACCESS_REVOKED,
            target=client,
            changes={
                "portal_user": [access.user.email, None],
                "contact": [None, access.contact_id],
            },
        )
    _settle_engagement(client, actor)


def portal_invitation_by_token(raw: str) -> PortalInvitation | None:
    invitation = (
        PortalInvitation.objects.by_token_hash(token_hash(raw))
        .select_related("client", "contact", "account")
        .first()
    )
    return invitation if invitation and invitation.is_open else None


@transaction.atomic
def portal_invitation_accept(
    *, invitation: PortalInvitation, user: User | None = None, password: str = ""
) -> PortalAccess:
    """Accept as the signed-in person, or create the login from the link's email + password."""
    invitation = (
        PortalInvitation.objects.for_account(invitation.account_id)
        .select_for_update()
        .select_related("client", "contact", "account")
        .get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise ValidationError(
            _("This invitation has already been used, was revoked or has expired.")
        )
    if user is None:
        user = user_create(
            email=invitation.email, password=password, name=invitation.contact.full_name
        )
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another email address."))
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    PortalAccess.objects.for_account(invitation.account_id).filter(
        contact=invitation.contact, active=True
    ).update(active=False, revoked_at=timezone.now())
    access = PortalAccess.objects.create(
        account_id=invitation.account_id,
        client=invitation.client,
        contact=invitation.contact,
        user=user,
    )
    client = (
        Client.objects.for_account(invitation.account_id)
        .select_for_update(of=("self",))
        .select_related("account")
        .get(pk=invitation.client_id)
    )
    event_record(
        account=client.account,
        actor=user,
        verb=PORTAL_ACCEPTED,
        target=client,
        changes={"portal_user": [None, user.email], "contact": [None, invitation.contact_id]},
    )
    _settle_engagement(client, user)
    return access


# Reading: what staff see of a client's portal -------------------------------------------

NONE, INVITED, ACTIVE = "none", "invited", "active"


def portal_states(*, contacts) -> dict[int, str]:
    """Each contact's portal state: active (a live portal user), invited (an open invitation)
    or none, in one query whatever the number of contacts."""
    ids = [c.pk for c in contacts]
    if not ids:
        return {}
    rows = (
        Contact.objects.for_account(contacts[0].account_id)
        .filter(pk__in=ids)
        .annotate(
            has_access=Exists(
                PortalAccess.objects.for_account(contacts[0].account_id).filter(
                    contact=OuterRef("pk"), active=True
                )
            ),
            has_invitation=Exists(
                PortalInvitation.objects.for_account(contacts[0].account_id).filter(
                    contact=OuterRef("pk"),
                    accepted_at=None,
                    revoked_at=None,
                    expires_at__gt=timezone.now(),
                )
            ),
        )
        .values_list("pk", "has_access", "has_invitation")
    )
    states = dict.fromkeys(ids, NONE)
    for pk, access, invitation in rows:
        states[pk] = ACTIVE if access else INVITED if invitation else NONE
    return states


def delivery_state(message) -> str:
    """queued, sent, outbox (kept for staff to read, no mail server) or failed."""
    if message is None:
        return MessageState.QUEUED
    if message.state == MessageState.SENT and message.via_outbox:
        return "outbox"
    return message.state


def open_invitations(*, client: Client) -> list[PortalInvitation]:
    """The client's invitations still usable, newest first, each with `.delivery`."""
    rows = list(
        PortalInvitation.objects.for_client(client)
        .filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .select_related("message", "contact")
        .order_by("-created_at", "-id")
    )
    for row in rows:
        row.delivery = delivery_state(row.message)
    return rows


def portal_users(*, client: Client) -> list[PortalAccess]:
    """The client's live portal users, oldest first."""
    return list(
        PortalAccess.objects.for_client(client)
        .filter(active=True)
        .select_related("user", "contact")
        .order_by("created_at", "id")
    )


def portal_invitation_failed(*, message: Message) -> None:
    """Put an invitation email given up on (core.emails, signal `message_failed`) on its
    client's timeline, once, as the worker marks it failed: reading a page writes nothing."""
    if message.account_id is None:  # a password reset of someone in no account
        return
    invitations = (
        PortalInvitation.objects.for_account(message.account_id)
        .filter(message=message)
        .select_related("client", "client__account")
    )
    for invitation in invitations:
        event_record(
            account=invitation.client.account,
            actor=None,
            verb=PORTAL_INVITATION_FAILED,
            target=invitation.client,
            changes={
                "invitation": [None, invitation.pk],
                "email": [None, invitation.email],
                "error": [None, message.last_error],
                "contact": [None, invitation.contact_id],
            },
        )


def portal_invitation_of(*, client: Client, pk: int) -> PortalInvitation | None:
    return (
        PortalInvitation.objects.for_client(client).filter(pk=pk).select_related("contact").first()
    )


def portal_access_of(*, client: Client, pk: int) -> PortalAccess | None:
    return PortalAccess.objects.for_client(client).filter(pk=pk).select_related("user").first()
