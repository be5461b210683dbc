from clientdesk.core.scoping import get_in_account, in_account
from clientdesk.integrations.models import ApiToken


def api_tokens(*, account):
    return (
        in_account(ApiToken, account=account)
        .select_related("user")
        .order_by("revoked_at", "-created_at")
    )


def get_api_token(*, account, pk: int) -> ApiToken:
    return get_in_account(ApiToken, account=account, pk=pk)
