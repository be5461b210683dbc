"""Settings › Agreements: every agreement of the clients you see, filtered by client and state,
and its create, edit, renew and end (managers and above: `agreements.write`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clientdesk.agreements import queries, services
from clientdesk.agreements.forms import AgreementFilters, AgreementForm, EndForm
from clientdesk.agreements.models import State, today_for
from clientdesk.clients.queries import get_client, live_clients
from clientdesk.core.forms import add_errors
from clientdesk.core.pagination import BadCursor
from clientdesk.core.roles import can, require

CAPABILITY = "agreements.write"
PAGE_SIZE = 50


@require_http_methods(["GET"])
def agreement_list(request) -> HttpResponse:
    require(request.membership, CAPABILITY)
    filters = AgreementFilters(request.GET)
    valid = filters.is_valid() and "\x00" not in request.GET.get("q", "")
    data = filters.cleaned_data if valid else {}
    chosen = {
        "client": data.get("client"),
        "state": data.get("state") or None,
        "q": data.get("q") or "",
    }
    try:
        page = queries.agreement_page(
            request.membership,
            **chosen,
            cursor=request.GET.get("cursor") or None,
            before=request.GET.get("before") or None,
            limit=PAGE_SIZE,
        )
    except BadCursor:  # an old or edited link: the first page
        page = queries.agreement_page(request.membership, **chosen, limit=PAGE_SIZE)
    rows = page.items
    used = queries.hours_used(rows)
    for agreement in rows:
        agreement.hours_used = used[agreement.pk]
    client = None
    if chosen["client"]:
        client = live_clients(request.membership).filter(pk=chosen["client"]).first()
    here = reverse("agreement_list", args=[request.account.slug])

    def link(**params) -> str:
        query = QueryDict(mutable=True)
        query.update({k: v for k, v in ({**chosen} | params).items() if v})
        return f"{here}?{query.urlencode()}" if query else here

    return render(
        request,
        "agreements/settings_list.html",
        {
            "section": "agreements",
            "agreements": rows,
            "chosen_client": client,
            "without_client_url": link(client=None),
            "q": chosen["q"],
            "next_url": link(cursor=page.next) if page.next else None,
            "previous_url": link(before=page.previous) if page.previous else None,
            "chosen_state": data.get("state") or "",
            "states": State.choices,
            "show_money": can(request.membership, "money.read"),
            "today": today_for(request.account),
        },
        status=200 if valid else 400,
    )


def _form_page(request, form, client, agreement=None, status=200) -> HttpResponse:
    return render(
        request,
        "agreements/settings_form.html",
        {"section": "agreements", "form": form, "client": client, "agreement": agreement},
        status=status,
    )


def _fields(form, money: bool) -> dict:
    data = form.cleaned_data
    fields = {
        "name": data["name"],
        "kind": data["kind"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "hours": data.get("hours"),
        "notes": data.get("notes") or "",
    }
    if money:
        fields["monthly_price"] = data.get("monthly_price")
    return fields


def _back(request, agreement) -> HttpResponse:
    url = reverse("agreement_list", args=[request.account.slug])
    return redirect(f"{url}?client={agreement.client_id}")


@require_http_methods(["GET", "POST"])
def agreement_new(request) -> HttpResponse:
    """Pick the client (`?client=`), then fill the agreement. A client you cannot see is a
    404 before the role's 403, as everywhere."""
    raw = request.POST.get("client") or request.GET.get("client") or ""
    if not raw.isdigit():
        require(request.membership, CAPABILITY)
        find = request.GET.get("find", "").replace("\x00", "").strip()[:200]
        return render(
            request,
            "agreements/settings_pick_client.html",
            {
                "section": "agreements",
                "find": find,
                "clients": queries.clients_to_pick(request.membership, find),
            },
        )
    client = get_client(membership=request.membership, pk=raw)
    require(request.membership, CAPABILITY)
    money = can(request.membership, "money.read")
    form = AgreementForm(
        request.POST or None,
        contacts=queries.contacts_choosable(client=client),
        show_money=money,
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                client=client,
                actor=request.membership,
                contacts=form.chosen_contacts(),
                **_fields(form, money),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The agreement %(name)s was added.") % {"name": agreement})
            return _back(request, agreement)
    return _form_page(request, form, client, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def agreement_edit(request, agreement_id: int) -> HttpResponse:
    agreement = queries.get_agreement(membership=request.membership, pk=agreement_id)
    require(request.membership, CAPABILITY)
    money = can(request.membership, "money.read")
    initial = {
        "name": agreement.name,
        "kind": agreement.kind,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "monthly_price": agreement.monthly_price,
        "hours": agreement.hours,
        "notes": agreement.notes,
        "contacts": [str(pk) for pk in services.contact_ids(agreement)],
    }
    form = AgreementForm(
        request.POST or None,
        initial=initial,
        contacts=queries.contacts_choosable(client=agreement.client),
        show_money=money,
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_update(
                agreement=agreement,
                actor=request.membership,
                version=None,
                contacts=form.chosen_contacts(),
                **_fields(form, money),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The agreement %(name)s was saved.") % {"name": agreement})
            return _back(request, agreement)
    status = 400 if form.errors else 200
    return _form_page(request, form, agreement.client, agreement, status=status)


@require_POST
def agreement_renew(request, agreement_id: int) -> HttpResponse:
    agreement = queries.get_agreement(membership=request.membership, pk=agreement_id)
    require(request.membership, CAPABILITY)
    renewed = services.agreement_renew(agreement=agreement, actor=request.membership)
    messages.success(
        request,
        _("Renewed: %(name)s runs again from %(start)s to %(end)s.")
        % {"name": renewed, "start": renewed.starts_on, "end": renewed.ends_on},
    )
    return _back(request, agreement)


@require_POST
def agreement_end(request, agreement_id: int) -> HttpResponse:
    agreement = queries.get_agreement(membership=request.membership, pk=agreement_id)
    require(request.membership, CAPABILITY)
    form = EndForm(request.POST or {"on": today_for(request.account)})
    if not form.is_valid():
        form = EndForm({"on": today_for(request.account)})
        form.is_valid()
    try:
        services.agreement_end(
            agreement=agreement, actor=request.membership, on=form.cleaned_data["on"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The agreement %(name)s was ended.") % {"name": agreement})
    return _back(request, agreement)


urlpatterns = [
    path("", agreement_list, name="agreement_list"),
    path("new/", agreement_new, name="agreement_new"),
    path("<int:agreement_id>/", agreement_edit, name="agreement_edit"),
    path("<int:agreement_id>/renew/", agreement_renew, name="agreement_renew"),
    path("<int:agreement_id>/end/", agreement_end, name="agreement_end"),
]
