"""Tenancy: people, accounts, memberships, staff invitations and the stored email messages."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.roles import Role
from clientdesk.core.tenancy import TenantModel

PRIORITIES = ("low", "normal", "high", "urgent")
DEFAULT_SLA = {
    "low": {"response_minutes": 24 * 60, "resolution_minutes": 5 * 24 * 60},
    "normal": {"response_minutes": 8 * 60, "resolution_minutes": 3 * 24 * 60},
    "high": {"response_minutes": 2 * 60, "resolution_minutes": 24 * 60},
    "urgent": {"response_minutes": 30, "resolution_minutes": 4 * 60},
}


def default_sla() -> dict:
    return {priority: dict(times) for priority, times in DEFAULT_SLA.items()}


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=email.strip(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address and a password (argon2)."""

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)  # Django admin access; not used by the app
    date_joined = models.DateTimeField(default=timezone.now)
    last_account = models.ForeignKey(
        "core.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Account(models.Model):
    """One service business: the tenant every row of business data belongs to."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=50,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
                _("Use 1–50 lower-case letters, digits and dashes; no dash first or last."),
            )
        ],
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[
            RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code, e.g. EUR."))
        ],
    )
    ticket_number_format = models.CharField(
        _("ticket number format"), max_length=60, default="{client}-{seq}"
    )
    # The {account} token of ticket numbers (DESIGN §4): set from the slug when made.
    account_code = models.CharField(
        _("account code"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z0-9]{2,10}$", _("Use 2–10 characters, letters A–Z and digits."))
        ],
    )
    default_sla = models.JSONField(_("default SLA times"), default=default_sla)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ClientAccess(models.TextChoices):
    ALL = "all", _("All clients")
    ALLOW = "allow", _("Only the listed clients")
    DENY = "deny", _("All but the listed clients")


class Membership(TenantModel):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    client_access = models.CharField(
        _("client access"), max_length=10, choices=ClientAccess.choices, default=ClientAccess.ALL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["user", "account"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.account} ({self.role})"


class MembershipClient(TenantModel):
    """One client on a membership's allow-list or deny-list (see Membership.client_access)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="client_limits"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "membership", "client"], name="membership_client_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.client_id}"


class StaffInvitation(TenantModel):
    """An invitation to join an account's team; the link carries a token stored only hashed."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "created_at"], name="invitation_account_idx")]

    def __str__(self) -> str:
        return f"{self.email} → {self.account}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(TenantModel):
    """Every email the app sends, with its state; without an email server it stays here (outbox)."""

    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    to = models.EmailField()
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    kind = models.CharField(max_length=40)
    state = models.CharField(max_length=10, choices=MessageState.choices, default="queued")
    via_outbox = models.BooleanField(default=False)
    # Who may open it in the outbox: a capability (e.g. an owner invitation needs the power to
    # make owners), so nobody can follow a link they could not have sent.
    requires = models.CharField(max_length=40, blank=True)
    # One-time secrets in the body (invitation tokens): cut out once delivered over SMTP.
    redact = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-created_at"], name="message_account_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class ListPreference(TenantModel):
    """A person's remembered choices for one list page (columns shown, page size)."""

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    list_name = models.CharField(max_length=40)
    columns = models.JSONField(default=list)
    page_size = models.PositiveSmallIntegerField(default=50)

    class Meta:
        db_table = "clients_listpreference"  # made by the clients app before it moved here
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user", "list_name"], name="list_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.list_name}"
