"""Settings › API tokens: create (shown once), list with last use, revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientdesk.core.roles import require
from clientdesk.integrations.forms import ApiTokenForm
from clientdesk.integrations.inbound import account_address
from clientdesk.integrations.queries import api_tokens, get_api_token, inbound_secret
from clientdesk.integrations.services import (
    api_token_create,
    api_token_revoke,
    inbound_secret_make,
)


def tokens(request):
    require(request.membership, "tokens.manage")
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = api_token_create(
                membership=request.membership,
                name=form.cleaned_data["name"],
                actor=request.membership,
            )
        except ValidationError as exc:
            form.add_error("name", exc.message_dict.get("name", exc.messages))
        else:
            form = ApiTokenForm()
    return render(
        request,
        "integrations/tokens.html",
        {
            "section": "tokens",
            "form": form,
            "new_token": new_token,
            "tokens": api_tokens(account=request.account),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def token_revoke(request, token_id: int):
    require(request.membership, "tokens.manage")
    token = get_api_token(account=request.account, pk=token_id)
    api_token_revoke(token=token, actor=request.membership)
    messages.success(
        request, _("Token “%(name)s” revoked; it no longer works.") % {"name": token.name}
    )
    return redirect("api_tokens", account_slug=request.account.slug)


def email_in(request):
    """Settings › Email in: the account's address, and the secret for mail services that
    forward (made shown once; a new one replaces the old)."""
    require(request.membership, "tokens.manage")
    new_secret = None
    if request.method == "POST":
        _secret, new_secret = inbound_secret_make(account=request.account, actor=request.membership)
    return render(
        request,
        "integrations/email_in.html",
        {
            "section": "email_in",
            "address": account_address(request.account),
            "new_secret": new_secret,
            "secret": inbound_secret(account=request.account),
        },
    )
