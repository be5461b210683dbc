from clientdesk.core.tenancy import get_or_404
from clientdesk.integrations.models import ApiToken, InboundSecret


def api_tokens(*, account):
    return (
        ApiToken.objects.for_account(account)
        .select_related("user")
        .order_by("revoked_at", "-created_at")
    )


def get_api_token(*, account, pk: int) -> ApiToken:
    return get_or_404(ApiToken.objects.for_account(account), pk=pk)


def inbound_secret(*, account) -> InboundSecret | None:
    return InboundSecret.objects.for_account(account).select_related("created_by").first()
