"""Writes on accounts, memberships and staff invitations: the one write path for tenancy."""

from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import diff_fields, event_record
from clientdesk.core.actors import Actor
from clientdesk.core.emails import email_queue
from clientdesk.core.events import (
    ACCOUNT_CREATED,
    ACCOUNT_UPDATED,
    MEMBER_ADDED,
    MEMBER_CLIENT_ACCESS_CHANGED,
    MEMBER_DETAILS_CHANGED,
    MEMBER_INVITATION_REVOKED,
    MEMBER_INVITED,
    MEMBER_PASSWORD_CHANGED,
    MEMBER_REMOVED,
    MEMBER_ROLE_CHANGED,
)
from clientdesk.core.models import (
    Account,
    ClientAccess,
    ListPreference,
    Membership,
    MembershipClient,
    StaffInvitation,
    User,
)
from clientdesk.core.roles import Role, can
from clientdesk.core.secrets import token_hash, token_new
from clientdesk.core.signals import account_created, account_updated

INVITATION_DAYS = 7
ACCOUNT_FIELDS = (
    "name",
    "time_zone",
    "currency",
    "ticket_number_format",
    "account_code",
    "default_sla",
)


def code_from_slug(slug: str) -> str:
    """An account code from its slug: its letters and digits, upper-case, at most 10."""
    code = "".join(ch for ch in slug.upper() if ch.isascii() and ch.isalnum())[:10]
    return code if len(code) >= 2 else (code + "XX")[:2]


def user_create(*, email: str, password: str, name: str = "") -> User:
    # Kept as typed, to show it so; sign-in, uniqueness and the lockout ignore its case.
    email = email.strip()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone already uses this email address.")})
    user = User(email=email, name=name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update(*, user: User, name: str, email: str, current_password: str = "") -> User:
    """A person's own name and email. A new email takes the current password: whoever holds
    the email can reset the password, so a borrowed session must not be able to change it."""
    email = email.strip()
    changes_email = email.lower() != user.email.lower()
    if changes_email and not user.check_password(current_password):
        raise ValidationError(
            {"current_password": _("Type your current password to change your email.")}
        )
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": _("Someone already uses this email address.")})
    before = {"name": user.name, "email": user.email}
    user.name = name.strip()
    user.email = email
    user.full_clean()
    user.save(update_fields=["name", "email"])
    changes = diff_fields(before, {"name": user.name, "email": user.email})
    if changes:
        _told_to_every_account(user, MEMBER_DETAILS_CHANGED, changes)
    return user


def _told_to_every_account(user: User, verb, changes: dict | None = None) -> None:
    """A person's own change is theirs in every account: each account's log says it (an
    email change is whoever can reset the password, so every owner may want to know)."""
    for membership in Membership.objects.of_user(user).select_related("account"):
        event_record(
            account=membership.account,
            actor=user,
            verb=verb,
            target=membership,
            changes=changes,
        )


@transaction.atomic
def user_password_change(*, user: User, current_password: str, new_password: str) -> User:
    if not user.check_password(current_password):
        raise ValidationError({"old_password": _("This is not your current password.")})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _told_to_every_account(user, MEMBER_PASSWORD_CHANGED)
    return user


@transaction.atomic
def account_create(
    *, name: str, slug: str, owner: User, time_zone: str = "UTC", currency: str = "EUR"
) -> Account:
    if Account.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another account already uses this slug.")})
    account = Account(
        name=name.strip(),
        slug=slug,
        time_zone=time_zone,
        currency=currency,
        account_code=code_from_slug(slug),
    )
    account.full_clean()
    account.save()
    membership = Membership.objects.create(account=account, user=owner, role=Role.OWNER)
    account_created.send(sender=Account, account=account)
    event_record(account=account, actor=owner, verb=ACCOUNT_CREATED, target=account)
    event_record(
        account=account,
        actor=owner,
        verb=MEMBER_ADDED,
        target=membership,
        target_label=owner.email,
        changes={"role": [None, Role.OWNER]},
    )
    return account


@transaction.atomic
def account_update(*, account: Account, actor: Actor, **fields) -> Account:
    unknown = set(fields) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"not account fields: {sorted(unknown)}")
    before = {name: getattr(account, name) for name in fields}
    for name, value in fields.items():
        setattr(account, name, value)
    if "account_code" in fields:
        account.account_code = (account.account_code or "").strip().upper()
    account.full_clean()
    _validate_ticket_format(account)
    changes = diff_fields(before, fields)
    if changes:
        account.save(update_fields=list(changes))
        event_record(
            account=account, actor=actor, verb=ACCOUNT_UPDATED, target=account, changes=changes
        )
        account_updated.send(sender=Account, account=account, changes=changes)
    return account


def _validate_ticket_format(account: Account) -> None:
    fmt = account.ticket_number_format
    if "{seq}" not in fmt:
        raise ValidationError({"ticket_number_format": _("The format must contain {seq}.")})
    if "{client}" not in fmt:
        # seq counts per client: without the client's prefix two clients' numbers would clash.
        raise ValidationError(
            {
                "ticket_number_format": _(
                    "The format must contain {client}: numbers count per client."
                )
            }
        )
    if "{account}" in fmt and not account.account_code:
        raise ValidationError(
            {"account_code": _("Set the account code: the format uses {account}.")}
        )
    leftover = fmt.replace("{account}", "").replace("{client}", "").replace("{seq}", "")
    if "{" in leftover or "}" in leftover:
        raise ValidationError(
            {
                "ticket_number_format": _(
                    "Only the tokens {account}, {client} and {seq} may be used."
                )
            }
        )


def _guard_owner_change(*, actor: Membership, membership: Membership, new_role: str | None) -> None:
    """Only owners grant or take the owner role, and an account always keeps one owner."""
    touches_owner = membership.role == Role.OWNER or new_role == Role.OWNER
    if touches_owner and not can(actor, "team.manage_owners"):
        raise ValidationError({"role": _("Only an owner can grant or change the owner role.")})
    if membership.role == Role.OWNER and new_role != Role.OWNER:
        owners = (
            Membership.objects.for_account(membership.account_id)
            .select_for_update()
            .filter(role=Role.OWNER)
        )
        if len(owners) <= 1:
            raise ValidationError(
                {"role": _("This is the account's last owner. Make someone else an owner first.")}
            )


@transaction.atomic
def membership_change_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the listed roles.")})
    if role == membership.role:
        return membership
    _guard_owner_change(actor=actor, membership=membership, new_role=role)
    old = membership.role
    membership.role = role
    if role in (Role.OWNER, Role.ADMIN):
        # Owners and admins always see every client: a limit from the old role goes.
        membership.client_access = ClientAccess.ALL
        membership.client_limits.all().delete()
    membership.save(update_fields=["role", "client_access"])
    event_record(
        account=membership.account,
        actor=actor,
        verb=MEMBER_ROLE_CHANGED,
        target=membership,
        target_label=membership.user.email,
        changes={"role": [old, role]},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Membership, membership: Membership) -> None:
    _guard_owner_change(actor=actor, membership=membership, new_role=None)
    event_record(
        account=membership.account,
        actor=actor,
        verb=MEMBER_REMOVED,
        target=membership,
        target_label=membership.user.email,
        changes={"role": [membership.role, None]},
    )
    membership.delete()


@transaction.atomic
def membership_add(*, account: Account, user: User, role: str, actor: Actor) -> Membership:
    if Membership.objects.for_account(account).filter(user=user).exists():
        raise ValidationError(
            {"email": _("%(email)s is already in this team.") % {"email": user.email}}
        )
    membership = Membership.objects.create(account=account, user=user, role=role)
    event_record(
        account=account,
        actor=actor,
        verb=MEMBER_ADDED,
        target=membership,
        target_label=user.email,
        changes={"role": [None, role]},
    )
    return membership


@transaction.atomic
def staff_invite(*, actor: Membership, email: str, role: str) -> tuple[StaffInvitation, str]:
    """Invite a person by email; answers the invitation and the raw token of its link."""
    account = actor.account
    email = email.strip()  # as typed: the person's login keeps it
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the listed roles.")})
    if role == Role.OWNER and not can(actor, "team.manage_owners"):
        raise ValidationError({"role": _("Only an owner can invite another owner.")})
    if Membership.objects.for_account(account).filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s is already in this team.") % {"email": email}})
    raw, hashed = token_new()
    invitation = StaffInvitation.objects.create(
        account=account,
        email=email,
        role=role,
        token_hash=hashed,
        invited_by=actor.user,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    event_record(
        account=account,
        actor=actor,
        verb=MEMBER_INVITED,
        target=invitation,
        target_label=email,
        changes={"role": [None, role]},
    )
    email_queue(
        account=account,
        to=email,
        kind="staff_invitation",
        template="core/email/staff_invitation",
        requires="team.manage_owners" if role == Role.OWNER else "team.manage",
        redact=[raw],
        context={
            "invitation": invitation,
            "token": raw,
            "inviter": actor.user,
            "days": INVITATION_DAYS,
        },
    )
    return invitation, raw


@transaction.atomic
def staff_invitation_revoke(*, actor: Membership, invitation: StaffInvitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    event_record(
        account=invitation.account,
        actor=actor,
        verb=MEMBER_INVITATION_REVOKED,
        target=invitation,
        target_label=invitation.email,
    )


def staff_invitation_by_token(raw: str) -> StaffInvitation | None:
    """The open invitation behind a link's token, or None (unknown, used, revoked or expired)."""
    invitation = (
        StaffInvitation.objects.by_token_hash(token_hash(raw)).select_related("account").first()
    )
    return invitation if invitation and invitation.is_open else None


@transaction.atomic
def staff_invitation_accept(
    *, invitation: StaffInvitation, user: User | None = None, name: str = "", password: str = ""
) -> Membership:
    """Accept as the signed-in `user`, or create the person from `name` and `password`."""
    invitation = (
        StaffInvitation.objects.for_account(invitation.account_id)
        .select_for_update()
        .get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise ValidationError(
            _("This invitation has already been used, was revoked or has expired.")
        )
    if user is None:
        user = user_create(email=invitation.email, password=password, name=name)
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another email address."))
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership_add(account=invitation.account, user=user, role=invitation.role, actor=user)


@transaction.atomic
def membership_set_client_access(
    *, actor: Membership, membership: Membership, access: str, clients: list
) -> Membership:
    """Limit what a member sees: all clients, only the listed ones, or all but the listed ones."""
    if access not in ClientAccess.values:
        raise ValidationError({"client_access": _("Choose one of the listed options.")})
    if access != ClientAccess.ALL and not clients:
        raise ValidationError({"clients": _("Pick at least one client for the list.")})
    if any(c.account_id != membership.account_id for c in clients):
        raise ValidationError({"clients": _("Pick clients of this account.")})
    if membership.role in (Role.OWNER, Role.ADMIN) and access != ClientAccess.ALL:
        raise ValidationError(
            {
                "client_access": _(
                    "Owners and admins always see every client; change the role first."
                )
            }
        )
    before = (
        membership.client_access,
        sorted(membership.client_limits.values_list("client_id", flat=True)),
    )
    ids = sorted({c.pk for c in clients}) if access != ClientAccess.ALL else []
    membership.client_limits.all().delete()
    MembershipClient.objects.bulk_create(
        [
            MembershipClient(account_id=membership.account_id, membership=membership, client_id=pk)
            for pk in ids
        ]
    )
    membership.client_access = access
    membership.save(update_fields=["client_access"])
    if before != (access, ids):
        event_record(
            account=membership.account,
            actor=actor,
            verb=MEMBER_CLIENT_ACCESS_CHANGED,
            target=membership,
            target_label=membership.user.email,
            changes={"client_access": [before[0], access], "clients": [before[1], ids]},
        )
    return membership


@transaction.atomic
def list_preference_save(
    *, membership: Membership, list_name: str, columns: list[str], page_size: int
) -> None:
    """Remember a person's columns and page size for one list page."""
    ListPreference.objects.for_account(membership.account_id).update_or_create(
        account_id=membership.account_id,
        user_id=membership.user_id,
        list_name=list_name,
        defaults={"columns": columns, "page_size": page_size},
    )
