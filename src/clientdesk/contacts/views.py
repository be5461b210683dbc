"""The Contacts tab of the client page: the list (core.tables, like the Clients page), add and
edit in a dialog, and bulk changes to the selected contacts.

Every view starts from the client (`get_client`: hidden, deleted or another account's is 404)
and a contact must belong to that client (else 404 as well); only then is the role asked
(`contacts.write`, 403). Every write goes through contacts.services.
"""

from dataclasses import dataclass
from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientdesk.clients.models import Client
from clientdesk.clients.queries import get_client
from clientdesk.clients.views.detail import page_context
from clientdesk.contacts import queries, services
from clientdesk.contacts.forms import TEXT_FIELDS, ContactBulkForm, ContactForm
from clientdesk.contacts.models import Contact
from clientdesk.core import registry, tables
from clientdesk.core.forms import add_errors
from clientdesk.core.html import cut, sentence
from clientdesk.core.pagination import Page
from clientdesk.core.roles import require

COLUMNS = {
    "name": gettext_lazy("Name"),
    "role": gettext_lazy("Role"),
    "title": gettext_lazy("Job title"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "mobile": gettext_lazy("Mobile"),
    "address": gettext_lazy("Address"),
    "city": gettext_lazy("City"),
    "country": gettext_lazy("Country"),
    "active": gettext_lazy("Active"),
    "source": gettext_lazy("Source"),
    "created": gettext_lazy("Added"),
    "portal": gettext_lazy("Portal"),
}
TABLE = tables.Table(
    list_name="contacts",
    columns=COLUMNS,
    default_columns=("name", "role", "title", "email", "phone", "active", "portal"),
    sorts=queries.SORTS,
    default_sort=queries.DEFAULT_SORT,
    always_shown=("name",),
    num_columns=("created",),
)
ADD_ID = "add-contact-%s"
EDIT_ID = "edit-contact-%s"


@dataclass(frozen=True)
class ContactListState(tables.TableState):
    table: ClassVar[tables.Table] = TABLE
    text_filters: ClassVar[tuple[str, ...]] = ("q",)

    q: str = ""

    @classmethod
    def filters_from_query(cls, params: QueryDict) -> dict:
        return {"q": tables.text(params, "q")}

    def filter_pairs(self) -> list[tuple[str, object]]:
        return [("q", self.q)]

    @property
    def filtering(self) -> bool:
        return bool(self.q)


def _client(request: HttpRequest, client_id: int) -> Client:
    return get_client(membership=request.membership, pk=client_id)


def _contact(request: HttpRequest, client: Client, contact_id: int) -> Contact:
    contact = queries.get_contact(membership=request.membership, pk=contact_id)
    if contact.client_id != client.pk:  # another client's contact, even one this person sees
        raise Http404
    return contact


def _choices(request: HttpRequest, client: Client) -> list:
    """What contacts of this client may belong to in other domains (per-user agreements) that
    this person may set: [(core.registry.ContactChoice, options)], those with options only."""
    found = []
    for entry in registry.contact_choices.for_member(request.membership):
        options = entry.options(client=client)
        if options:
            found.append((entry, options))
    return found


def _tab_url(request: HttpRequest, client: Client) -> str:
    return reverse("client_contacts", args=[request.account.slug, client.pk])


def _back(request: HttpRequest, client: Client) -> HttpResponse:
    return tables.back_to(request, ContactListState, _tab_url(request, client))


def _page_of(membership, client: Client, state: ContactListState, *, cursor, before, limit) -> Page:
    return queries.contacts_of(
        membership=membership,
        client=client,
        q=state.q,
        order=state.sort_param,
        cursor=cursor,
        before=before,
        limit=limit,
    )


# The tab


@require_GET
def contacts_tab(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    refusal = ContactListState.refusal(request.GET)
    if refusal:
        messages.error(request, refusal)
    return _render_tab(request, client, request.GET, status=400 if refusal else 200)


def _render_tab(
    request: HttpRequest,
    client: Client,
    params: QueryDict,
    *,
    add_form: ContactForm | None = None,
    edit: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    state = ContactListState.from_query(params)
    list_url = _tab_url(request, client)
    link = tables.linker(list_url)
    choices = _choices(request, client)

    def fetch(*, cursor, before, limit) -> Page:
        page = _page_of(
            request.membership, client, state, cursor=cursor, before=before, limit=limit
        )
        # What other domains know of each row (the portal state), a few queries for the page.
        facts = queries.contact_facts(page.items)
        for contact in page.items:
            contact.portal_state = facts[contact.pk].get("portal", "")
        return page

    context = tables.table_context(request, state, fetch, link)
    if not tables.wants_partial(request):
        context |= page_context(request, client)  # the client page around the tab
    count = queries.search(
        queries.live_contacts(request.membership).filter(client_id=client.pk), state.q
    ).count()
    context |= {
        "client": client,
        "active_tab": "contacts",
        "list_url": list_url,
        "count": count,
        "no_contacts_yet": not state.filtering and count == 0,
        "clear_url": link(
            ContactListState(sort=state.sort, descending=state.descending, size=state.size).query()
        ),
        "add_form": add_form
        or ContactForm(auto_id=ADD_ID, choices=choices, initial={"return_query": state.here()}),
        "bulk_choices": choices,
        "edit": edit,
    }
    return tables.render_table(request, "contacts/tab.html", context, status=status)


@require_POST
def contacts_columns(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    if TABLE.save_choice(request) and request.htmx:
        return _render_tab(request, client, QueryDict(request.POST.get("return_query", "")))
    return _back(request, client)


# Add and edit


def _return_params(form: ContactForm) -> QueryDict:
    return QueryDict(form.data.get("return_query", ""))


@require_POST
def contact_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    require(request.membership, "contacts.write")
    form = ContactForm(request.POST, auto_id=ADD_ID, choices=_choices(request, client))
    if form.is_valid():
        try:
            contact = services.contact_create(
                client=client,
                actor=request.membership,
                is_primary=form.cleaned_data["is_primary"],
                is_secondary=form.cleaned_data["is_secondary"],
                belongs=form.belongs(),
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            text = _("%(name)s was added to the contacts.") % {"name": contact.full_name}
            if contact.is_primary:
                text += " " + _("They are now the primary contact.")
            messages.success(request, text)
            return _back(request, client)
    form.focus_first_error()
    return _render_tab(request, client, _return_params(form), add_form=form, status=400)


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, client_id: int, contact_id: int) -> HttpResponse:
    client = _client(request, client_id)
    contact = _contact(request, client, contact_id)
    require(request.membership, "contacts.write")
    choices = _choices(request, client)
    if request.method != "POST":
        form = ContactForm.for_contact(contact, auto_id=EDIT_ID, choices=choices)
        form.initial["return_query"] = request.GET.get("return_query", "")
        edit = {"form": form, "contact": contact}
        if request.htmx:  # only the dialog, which the tab opens
            return render(request, "contacts/contact_dialog.html", {"client": client, **edit})
        return _render_tab(request, client, QueryDict(form.initial["return_query"]), edit=edit)

    form = ContactForm(request.POST, auto_id=EDIT_ID, choices=choices)
    if form.is_valid():
        try:
            contact = services.contact_update(
                contact=contact,
                actor=request.membership,
                version=form.cleaned_data["version"],
                is_primary=form.cleaned_data["is_primary"],
                is_secondary=form.cleaned_data["is_secondary"],
                belongs=form.belongs(),
                **form.service_fields(),
            )
        except services.StaleContact as exc:
            return _stale(request, client, form, exc.current)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, sentence(_("Changes to %(name)s saved."), name=cut(contact.full_name))
            )
            return _back(request, client)
    form.focus_first_error()
    edit = {"form": form, "contact": contact}
    return _render_tab(request, client, _return_params(form), edit=edit, status=400)


def _stale(request, client: Client, mine: ContactForm, current: Contact) -> HttpResponse:
    """Someone saved this contact meanwhile: show what is saved now, with what this person
    typed beside each field that differs, so they can apply it again and save."""
    form = ContactForm.for_contact(current, auto_id=EDIT_ID, choices=mine.choices)
    form.initial["return_query"] = mine.cleaned_data["return_query"]
    saved = {name: getattr(current, name) for name in (*TEXT_FIELDS, "active")}
    saved |= {"is_primary": current.is_primary, "is_secondary": current.is_secondary}
    typed = {
        **mine.service_fields(),
        **{
            "is_primary": mine.cleaned_data["is_primary"],
            "is_secondary": mine.cleaned_data["is_secondary"],
        },
    }
    differences = [
        {"label": form.fields[name].label, "mine": _shown(typed[name]), "saved": _shown(value)}
        for name, value in saved.items()
        if _shown(typed[name]) != _shown(value)
    ]
    edit = {"form": form, "contact": current, "stale": differences}
    return _render_tab(request, client, _return_params(mine), edit=edit, status=409)


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value or "").strip()


# Bulk


@require_POST
def contacts_bulk(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    require(request.membership, "contacts.write")
    form = ContactBulkForm(request.POST, choices=_choices(request, client))
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(request, client)
    data = form.cleaned_data
    # Only this client's contacts that this person may see, whatever ids were sent.
    chosen = list(
        queries.live_contacts(request.membership)
        .filter(client_id=client.pk, pk__in=data["ids"])
        .select_related("client")
        .order_by("is_primary", "id")  # the primary last: it may go once it is alone
    )
    if not chosen:
        messages.error(request, _("The selected contacts are no longer there."))
        return _back(request, client)
    belong = form.belong_change()
    if belong:
        key, target, join = belong
        try:
            services.contacts_belong_change(
                contacts=chosen, actor=request.membership, key=key, target=target, join=join
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _back(request, client)
        choice = dict(form.fields[data["action"]].choices)[data[data["action"]]]
        n = len(chosen)
        text = ngettext("%(change)s: %(n)s contact.", "%(change)s: %(n)s contacts.", n)
        messages.success(request, text % {"change": choice, "n": n})
        return _back(request, client)
    action = data["action"]
    value = {
        "title": data.get("title"),
        "active": data.get("active") == "yes",
        "secondary": data.get("secondary") == "yes",
    }.get(action)
    try:
        services.contacts_bulk(
            contacts=chosen, actor=request.membership, action=action, value=value
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request, client)
    messages.success(request, _bulk_message(data, chosen))
    return _back(request, client)


def _bulk_message(data: dict, chosen: list[Contact]) -> str:
    action, n = data["action"], len(chosen)
    if action == "delete":
        text = ngettext("%(n)s contact deleted.", "%(n)s contacts deleted.", n)
    elif action == "title":
        text = ngettext(
            "Job title “%(title)s” set on %(n)s contact.",
            "Job title “%(title)s” set on %(n)s contacts.",
            n,
        )
    elif action == "active" and data["active"] == "yes":
        text = ngettext("%(n)s contact marked active.", "%(n)s contacts marked active.", n)
    elif action == "active":
        text = ngettext("%(n)s contact marked inactive.", "%(n)s contacts marked inactive.", n)
    elif data["secondary"] == "yes":  # one contact only (the form sees to it)
        return _("%(name)s is now the secondary contact.") % {"name": chosen[0].full_name}
    else:
        text = ngettext(
            "%(n)s contact is no longer secondary.", "%(n)s contacts are no longer secondary.", n
        )
    return text % {"n": n, "title": data["title"].strip()}
