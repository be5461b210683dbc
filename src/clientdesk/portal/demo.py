"""The demo's portal (`clientdesk demo`, after the contacts): real invitations and portal users,
made by the portal's own services, so each client's engagement follows them (DESIGN §2).

- a client whose status is *invited* was invited this week: its invitation is open (access
  sent); one that went on from invited to *waiting* accepted it then (engaged);
- clients in service: the first always, then about half, invited their primary contact a few
  weeks after they started and it accepted within days (engaged); some have an invitation out
  this week (access sent); the rest are silent;
- some former clients (the first always) had a portal user whose access was revoked when they
  left (silent);
- leads and prospects are silent.

Every portal user signs in with the demo password. The invitation emails are never sent: they
wait in Settings › Outbox, delivered on the day of their invitation, with their links.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from clientdesk.clients.models import IN_SERVICE, Client, Status, StatusChange
from clientdesk.contacts.models import Contact
from clientdesk.core.demo import DEMO_PASSWORD, dated, demo_user
from clientdesk.core.models import Account, Membership, Message, MessageState, User
from clientdesk.portal.models import PortalAccess, PortalInvitation
from clientdesk.portal.services import (
    INVITATION_DAYS,
    portal_access_revoke,
    portal_invitation_accept,
    portal_invite,
)

ENGAGED_SHARE = 0.55
ACCESS_SENT_SHARE = 0.15
REVOKED_SHARE = 0.5


def demo_portal_create(*, account: Account, seed: int) -> int:
    """Invitations for the demo clients, unless the account has some; answers how many."""
    if PortalInvitation.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    staff = {m.user_id: m for m in Membership.objects.for_account(account)}
    fallback = next((m for m in staff.values() if m.role == "manager"), None)
    history: dict[int, list[tuple[str, datetime]]] = {}
    for client_id, status, at in (
        StatusChange.objects.for_account(account)
        .order_by("at", "id")
        .values_list("client", "to_status", "at")
    ):
        history.setdefault(client_id, []).append((status, at))
    primaries = {
        c.client_id: c
        for c in Contact.objects.for_account(account)
        .filter(is_primary=True, deleted_at=None)
        .exclude(email="")
    }
    made = 0
    first_in_service = first_former = True
    clients = (
        Client.objects.for_account(account)
        .filter(deleted_at=None, archived=False)
        .select_related("account")
        .order_by("pk")
    )
    for client in clients:
        contact = primaries.get(client.pk)
        if contact is None:
            continue
        actor = staff.get(client.manager_id, fallback)
        steps = history.get(client.pk, [])
        first = first_in_service if client.status in IN_SERVICE else first_former
        plan = _plan(rng, client, steps, contact.created_at, now, first)
        if client.status in IN_SERVICE:
            first_in_service = False
        elif client.status == Status.INACTIVE and client.activated_at is not None:
            first_former = False
        if plan is None:
            continue
        invited_at, accepted_at, revoked_at = plan
        with dated(account, invited_at):
            invitation = portal_invite(client=client, actor=actor, contact=contact)
        made += 1
        if accepted_at is None:
            _date_invitation(account, invitation, invited_at)
            continue
        with dated(account, accepted_at):
            user = demo_user(email=contact.email, name=contact.full_name)
            access = portal_invitation_accept(invitation=invitation, user=user)
        _date_invitation(account, invitation, invited_at)  # once used: dated, it would expire
        PortalInvitation.objects.for_account(account).filter(pk=invitation.pk).update(
            accepted_at=accepted_at
        )
        PortalAccess.objects.for_account(account).filter(pk=access.pk).update(
            created_at=accepted_at
        )
        User.objects.filter(pk=user.pk, date_joined__gt=accepted_at).update(date_joined=accepted_at)
        if revoked_at is not None:
            with dated(account, revoked_at):
                portal_access_revoke(access=access, actor=actor)
            PortalAccess.objects.for_account(account).filter(pk=access.pk).update(
                revoked_at=revoked_at
            )
    return made


def _plan(
    rng: random.Random,
    client: Client,
    steps: list[tuple[str, datetime]],
    known_from: datetime,
    now: datetime,
    first: bool,
) -> tuple[datetime, datetime | None, datetime | None] | None:
    """(invited, accepted or None, access revoked or None), or None for a silent client."""
    statuses = [s for s, _ in steps]
    if Status.INVITED in statuses:  # the status says when the invitation went out
        k = statuses.index(Status.INVITED)
        invited = max(steps[k][1], known_from)
        if k + 1 < len(steps) and statuses[k + 1] == Status.WAITING:
            accepted = steps[k + 1][1]
            if accepted > invited:
                return invited, accepted, None
        if k == len(steps) - 1 and now - invited < timedelta(days=INVITATION_DAYS - 1):
            return invited, None, None
    started = client.activated_at
    if client.status in IN_SERVICE and started is not None:
        roll = 0.0 if first else rng.random()
        if roll < ENGAGED_SHARE:
            return _accepted(rng, max(started, known_from), now)
        if roll < ENGAGED_SHARE + ACCESS_SENT_SHARE:
            sent = now - rng.uniform(timedelta(hours=2), timedelta(days=5))
            return max(sent, known_from + (now - known_from) / 2), None, None
        return None
    if (
        client.status == Status.INACTIVE
        and started is not None
        and (first or rng.random() < REVOKED_SHARE)
    ):
        left = steps[-1][1]
        plan = _accepted(rng, max(started, known_from), left)
        if plan is not None and plan[1] is not None and plan[1] < left:
            return plan[0], plan[1], left
    return None


def _accepted(
    rng: random.Random, after: datetime, before: datetime
) -> tuple[datetime, datetime, None] | None:
    """Invited some days after `after`, accepted within days, both before `before`."""
    room = before - after
    if room <= timedelta(hours=2):
        return None
    invited = after + min(timedelta(days=rng.uniform(1, 30)), room * 0.5)
    accepted = invited + min(timedelta(hours=rng.uniform(1, 72)), (before - invited) * 0.5)
    return invited, accepted, None


def _date_invitation(account: Account, invitation: PortalInvitation, at: datetime) -> None:
    """Sent on the day it went out; its email delivered to the Outbox then (never mailed)."""
    PortalInvitation.objects.for_account(account).filter(pk=invitation.pk).update(
        created_at=at, expires_at=at + timedelta(days=INVITATION_DAYS)
    )
    invitation.created_at, invitation.expires_at = at, at + timedelta(days=INVITATION_DAYS)
    Message.objects.for_account(account).filter(pk=invitation.message_id).update(
        created_at=at,
        sent_at=at,
        state=MessageState.SENT,
        via_outbox=True,
        attempts=1,
    )


def demo_portal_logins(account: Account) -> list[tuple[str, str, str, str]]:
    """One portal user to try the portal as: the first engaged client's, in service."""
    access = (
        PortalAccess.objects.for_account(account)
        .filter(active=True, client__status__in=IN_SERVICE, client__archived=False)
        .select_related("user", "client")
        .order_by("client_id", "id")
        .first()
    )
    if access is None:
        return []
    return [(access.client.name, "/portal/sign-in/", access.user.email, DEMO_PASSWORD)]
