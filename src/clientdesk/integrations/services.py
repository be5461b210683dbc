"""API tokens: created shown-once, stored hashed, revoked; the bearer lookup for the API.
The inbound-email secret likewise: made shown-once (a new one replaces the old), stored hashed."""

import hmac
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import event_record
from clientdesk.core.actors import actor_user
from clientdesk.core.models import Membership
from clientdesk.core.secrets import token_hash, token_new
from clientdesk.integrations.events import (
    API_TOKEN_CREATED,
    API_TOKEN_REVOKED,
    INBOUND_SECRET_MADE,
)
from clientdesk.integrations.models import ApiToken, InboundSecret

TOKEN_PREFIX = "cd_"
INBOUND_PREFIX = "cdin_"
LAST_USED_PRECISION = timedelta(minutes=1)  # at most one write per token a minute


@transaction.atomic
def api_token_create(*, membership: Membership, name: str, actor) -> tuple[ApiToken, str]:
    """A new token acting as `membership`'s person; answers it and the raw value, shown once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the tool that will use it.")})
    raw, hashed = token_new(TOKEN_PREFIX)
    token = ApiToken.objects.create(
        account=membership.account,
        user=membership.user,
        name=name[:80],
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=hashed,
        created_by=actor_user(actor),
    )
    event_record(account=membership.account, actor=actor, verb=API_TOKEN_CREATED, target=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        event_record(account=token.account, actor=actor, verb=API_TOKEN_REVOKED, target=token)
    return token


def api_token_authenticate(raw: str) -> tuple[ApiToken, Membership] | None:
    """The live token and the membership it acts as, or None (unknown, revoked, person gone)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.by_token_hash(token_hash(raw))
        .select_related("account", "user")
        .filter(revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    membership = (
        Membership.objects.for_account(token.account_id)
        .select_related("account", "user")
        .filter(user_id=token.user_id)
        .first()
    )
    if membership is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.for_account(token.account_id).filter(pk=token.pk).update(last_used_at=now)
    return token, membership


@transaction.atomic
def inbound_secret_make(*, account, actor) -> tuple[InboundSecret, str]:
    """A new secret for POST /api/v1/inbound-email; the previous one stops working. Answers
    the row and the raw value, shown once."""
    raw, hashed = token_new(INBOUND_PREFIX)
    secret, _made = InboundSecret.objects.for_account(account).update_or_create(
        account=account,
        defaults={
            "prefix": raw[: len(INBOUND_PREFIX) + 6],
            "token_hash": hashed,
            "created_by": actor_user(actor),
            "created_at": timezone.now(),
            "last_used_at": None,
        },
    )
    event_record(account=account, actor=actor, verb=INBOUND_SECRET_MADE, target=secret)
    return secret, raw


def inbound_secret_account(raw: str):
    """The account whose inbound secret this is, or None."""
    if not raw or not raw.startswith(INBOUND_PREFIX) or len(raw) > 200:
        return None
    hashed = token_hash(raw)
    secret = InboundSecret.objects.by_token_hash(hashed).select_related("account").first()
    if secret is None or not hmac.compare_digest(secret.token_hash, hashed):
        return None
    now = timezone.now()
    if secret.last_used_at is None or now - secret.last_used_at > LAST_USED_PRECISION:
        InboundSecret.objects.for_account(secret.account_id).filter(pk=secret.pk).update(
            last_used_at=now
        )
    return secret.account
