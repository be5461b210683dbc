from clientdesk.core.tenancy import get_or_404
from clientdesk.integrations.models import ApiToken


def api_tokens(*, account):
    return (
        ApiToken.objects.for_account(account)
        .select_related("user")
        .order_by("revoked_at", "-created_at")
    )


def get_api_token(*, account, pk: int) -> ApiToken:
    return get_or_404(ApiToken.objects.for_account(account), pk=pk)
