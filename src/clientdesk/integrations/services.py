"""API tokens: created shown-once, stored hashed, revoked; the bearer lookup for the API."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientdesk.audit.events import event_record
from clientdesk.core.actors import actor_user
from clientdesk.core.models import Membership
from clientdesk.core.secrets import token_hash, token_new
from clientdesk.integrations.events import API_TOKEN_CREATED, API_TOKEN_REVOKED
from clientdesk.integrations.models import ApiToken

TOKEN_PREFIX = "cd_"
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
