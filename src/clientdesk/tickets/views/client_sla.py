"""The client's own SLA times, edited from the client page's Support column (managers and
above: it is the client's terms)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clientdesk.clients.queries import get_client
from clientdesk.core.roles import require
from clientdesk.tickets.forms import ClientSlaForm
from clientdesk.tickets.settings_services import client_sla_set
from clientdesk.tickets.sla import client_sla_rows


@require_http_methods(["GET", "POST"])
def client_sla(request, client_id: int):
    client = get_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.write")
    rows = client_sla_rows([client])[client.pk]
    form = ClientSlaForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            client_sla_set(client=client, actor=request.membership, rows=form.cleaned_rows())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The SLA times of %(name)s were saved; new tickets follow them.")
                % {"name": client.name},
            )
            return redirect("client_detail", account_slug=request.account.slug, client_id=client.pk)
    return render(
        request,
        "tickets/client_sla.html",
        {"client": client, "form": form},
        status=400 if form.errors else 200,
    )
