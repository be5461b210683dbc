"""One client's page: details, the client tree, the Overview tab, and the client's actions; the
domains add their tabs and panels through core.registry (client_tabs, client_panels).

Every view starts from `queries.get_client`, so another account's client, a deleted one and one
outside the person's allow-list are the same 404; only then is the role asked (403). Every write
goes through clients.services.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clientdesk.audit.queries import activity_for_target
from clientdesk.clients import queries, services
from clientdesk.clients.forms import split_tags
from clientdesk.clients.forms_detail import (
    ClientEditForm,
    MoveForm,
    StatusForm,
    SubClientForm,
    form_text,
    values_of,
)
from clientdesk.clients.models import Client, Status
from clientdesk.clients.timeline import timeline
from clientdesk.clients.tree import Node, tree_for
from clientdesk.clients.tree_html import nodes_html, tree_html
from clientdesk.clients.views.navigator import panel_context as navigator_panel
from clientdesk.core import registry
from clientdesk.core.api_schemas import id_from_text
from clientdesk.core.forms import add_errors
from clientdesk.core.html import cut, sentence
from clientdesk.core.roles import can, require


def _client(request, client_id: int) -> Client:
    return queries.get_client(membership=request.membership, pk=client_id)


def _tag_names(client: Client) -> list[str]:
    return sorted(client.tags.values_list("name", flat=True), key=str.casefold)


def _to_detail(client: Client):
    return redirect("client_detail", account_slug=client.account.slug, client_id=client.pk)


# The page


@require_GET
def client_detail(request, client_id: int) -> HttpResponse:
    try:
        client = _client(request, client_id)
    except Http404:
        # An owner following an old link learns what became of the client, and may restore
        # it; anyone else gets the 404 they would get for a client that never was.
        if not can(request.membership, "clients.undelete"):
            raise
        return _deleted_page(
            request, queries.get_deleted_client(membership=request.membership, pk=client_id)
        )
    return _page(request, client)


def _deleted_page(request, client: Client) -> HttpResponse:
    context = {
        "client": client,
        "refusal": services.undelete_refusal(client),
        "until": services.restore_until(client),
        "undo_days": services.UNDO_DAYS,
    }
    return render(request, "clients/deleted_client.html", context)


def _page(
    request,
    client: Client,
    *,
    status_form: StatusForm | None = None,
    subclient_form: SubClientForm | None = None,
    move_form: MoveForm | None = None,
    code: int = 200,
) -> HttpResponse:
    context = page_context(
        request,
        client,
        status_form=status_form,
        subclient_form=subclient_form,
        move_form=move_form,
        overview=True,
    )
    context["history"] = list(queries.history(client=client))[::-1]
    context["timeline"] = timeline(request.membership, client)
    return render(request, "clients/detail.html", context, status=code)


def page_context(
    request,
    client: Client,
    *,
    status_form: StatusForm | None = None,
    subclient_form: SubClientForm | None = None,
    move_form: MoveForm | None = None,
    overview: bool = False,
) -> dict:
    """What every tab of the client page shows around itself: the header, the details panel
    and the tree (the Contacts tab, contacts.views, builds on it too). The overview's own
    panels are read only for the overview (`overview=True`): another tab shows none of them,
    and they were a third of a tab's time. The header's dialogs (status, sub-client, tags,
    move, delete) come with the page only when one of them shows a refused form; else the page
    fetches them when a person reaches for one (`client_dialogs`)."""
    membership = request.membership
    tree, chain, here = tree_for(membership, client)
    context = {
        "client": client,
        "ancestors": chain,
        "tree": tree,
        "tree_html": tree_html(request, tree),
        "children_count": here.child_count,
        "undo_days": services.UNDO_DAYS,
        "client_tabs": registry.client_tabs.for_member(membership),
        "client_tags": _tag_names(client),
        "active_tab": "overview",
    }
    # What the domains show on the page (core.registry.client_panels), by place.
    panels: dict[str, list[str]] = {"actions": [], "details": [], "overview": []}
    for panel in registry.client_panels.for_member(membership):
        if panel.place == "overview" and not overview:
            continue
        context.update(panel.context(request, client))
        panels[panel.place].append(panel.template)
    context["panels"] = panels
    context.update(navigator_panel(request, client))
    if status_form or subclient_form or move_form:
        context["dialogs_eager"] = True
        context.update(
            dialog_context(
                request,
                client,
                status_form=status_form,
                subclient_form=subclient_form,
                move_form=move_form,
            )
        )
    return context


def dialog_context(
    request,
    client: Client,
    *,
    status_form: StatusForm | None = None,
    subclient_form: SubClientForm | None = None,
    move_form: MoveForm | None = None,
) -> dict:
    """What the header's dialogs need (clients/detail_dialogs.html): the forms this member may
    use, unbound unless given."""
    membership = request.membership
    context: dict = {"undo_days": services.UNDO_DAYS}
    if can(membership, "clients.status"):
        context["status_form"] = status_form or StatusForm(
            client=client,
            may_backdate=can(membership, "clients.backdate"),
            time_zone=request.account.time_zone,
        )
    if can(membership, "clients.write"):
        context["subclient_form"] = subclient_form or SubClientForm(parent=client)
        context["tag_suggestions"] = queries.tags(account=request.account)
        context["move_form"] = move_form or MoveForm(
            visible=queries.live_clients(membership), client=client
        )
    return context


@require_GET
def client_dialogs(request, client_id: int) -> HttpResponse:
    """The header's dialogs, fetched by the page the first time a person reaches for one."""
    client = _client(request, client_id)
    context = dialog_context(request, client) | {
        "client": client,
        "client_tags": _tag_names(client),
    }
    return render(request, "clients/detail_dialogs.html", context)


@require_GET
def client_tree(request, client_id: int) -> HttpResponse:
    """The children of one node, for htmx to put under it when it is expanded."""
    client = _client(request, client_id)
    if not request.htmx:
        return _to_detail(client)
    nodes = [
        Node(client=c, child_count=c.child_count)
        for c in queries.children(membership=request.membership, parent_id=client.pk)
    ]
    context = {"nodes": nodes, "nodes_html": nodes_html(request, nodes)}
    return render(request, "clients/detail_tree_children.html", context)


# Edit, with conflicts


def client_edit(request, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    require(request.membership, "clients.write")
    options = {"account": request.account, "money": can(request.membership, "money.read")}
    if request.method != "POST":
        return _edit_page(request, client, ClientEditForm.for_client(client, **options))
    form = ClientEditForm(request.POST, **options)
    if not form.is_valid():
        return _edit_page(request, client, form, code=400)
    fields = {name: form.cleaned_data[name] for name in form.names}
    for name, choice in form.resolutions().items():
        if choice == "theirs":
            fields[name] = getattr(client, name)
    try:
        services.client_update(
            client=client, actor=request.membership, version=form.cleaned_data["version"], **fields
        )
    except services.StaleVersion as exc:
        return _conflict(request, form, fields, exc.current, options)
    except ValidationError as exc:
        add_errors(form, exc)
        return _edit_page(request, client, form, code=400)
    messages.success(request, sentence(_("Changes to %(name)s saved."), name=cut(fields["name"])))
    return _to_detail(client)


def _conflict(request, form, fields, current: Client, options) -> HttpResponse:
    """Someone saved in between: merge what only one side changed; ask about the rest."""
    original, theirs = form.original_values(), values_of(current)
    data = request.POST.copy()
    conflicts = []
    for name in form.names:
        mine = form_text(fields[name])
        if mine == theirs[name] or original.get(name, mine) == theirs[name]:
            continue  # the same, or only this editor changed it: keep it
        if original.get(name) == mine:
            data[name] = theirs[name]  # only they changed it: take theirs
            continue
        conflicts.append(name)
        data.pop(f"resolve_{name}", None)
    data["version"] = str(current.version)
    data["original"] = json.dumps(theirs)
    data["conflicts"] = ",".join(conflicts)
    merged = ClientEditForm(data, ask_choices=False, **options)
    if not conflicts and merged.is_valid():
        try:
            services.client_update(
                client=current,
                actor=request.membership,
                version=current.version,
                **{name: merged.cleaned_data[name] for name in merged.names},
            )
        except (services.StaleVersion, ValidationError):
            pass  # changed yet again, or the merge breaks a rule: show the page to decide
        else:
            messages.success(
                request,
                _("Saved. Someone else changed this client meanwhile; their changes are kept too."),
            )
            return _to_detail(current)
    return _edit_page(request, current, merged, conflict=True, code=409)


def _edit_page(request, client: Client, form, *, conflict: bool = False, code: int = 200):
    rows = []
    if form.is_bound and form.conflict_names():
        for name in form.conflict_names():
            rows.append(
                {
                    "name": name,
                    "label": form.fields[name].label,
                    "mine": _display(form, name, form.data.get(name, "")),
                    "theirs": _display(form, name, values_of(client)[name]),
                    "choice": form.data.get(f"resolve_{name}", ""),
                }
            )
    last = None
    if conflict:
        last = activity_for_target(target=client).first()
    context = {"client": client, "form": form, "conflict_rows": rows, "conflict": conflict}
    context["conflict_by"] = last.actor_label if last else ""
    return render(request, "clients/detail_edit.html", context, status=code)


def _display(form, name: str, text: str) -> str:
    text = form_text(text)
    if not text:
        return "—"
    field_ = form.fields[name]
    if isinstance(field_, ModelChoiceField):
        pk = id_from_text(text)
        obj = field_.queryset.filter(pk=pk).first() if pk else None
        return field_.label_from_instance(obj) if obj else "—"
    return text


# Status, tree changes, archive, delete


@require_POST
def client_status(request, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    require(request.membership, "clients.status")
    form = StatusForm(
        request.POST,
        client=client,
        may_backdate=can(request.membership, "clients.backdate"),
        time_zone=request.account.time_zone,
    )
    if form.is_valid():
        try:
            services.client_change_status(
                client=client,
                actor=request.membership,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                at=form.cleaned_data.get("at"),
            )
        except ValidationError as exc:
            add_errors(form, exc, rename={"status": "to_status"})
        else:
            messages.success(
                request,
                sentence(
                    _("%(name)s is now %(status)s."),
                    name=cut(client.name),
                    status=Status(form.cleaned_data["to_status"]).label,
                ),
            )
            return _to_detail(client)
    return _page(request, client, status_form=form, code=400)


@require_POST
def client_subclient_add(request, client_id: int) -> HttpResponse:
    parent = _client(request, client_id)
    require(request.membership, "clients.write")
    form = SubClientForm(request.POST)
    if form.is_valid():
        try:
            child = services.client_create(
                account=request.account,
                actor=request.membership,
                prefix=form.cleaned_data["prefix"],
                name=form.cleaned_data["name"],
                status=form.cleaned_data["status"],
                parent=parent,
                industry=parent.industry,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                sentence(
                    _("%(child)s was added under %(parent)s."),
                    child=cut(child.name),
                    parent=cut(parent.name),
                ),
            )
            return _to_detail(parent)
    return _page(request, parent, subclient_form=form, code=400)


@require_POST
def client_move(request, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    require(request.membership, "clients.write")
    form = MoveForm(request.POST, visible=queries.live_clients(request.membership), client=client)
    if form.is_valid():
        parent = form.cleaned_data["parent"]
        try:
            services.client_update(
                client=client, actor=request.membership, version=None, parent=parent
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if parent is None:
                text = _("%(name)s is now a top-level client.") % {"name": client.name}
            else:
                text = _("%(name)s now sits under %(parent)s.") % {
                    "name": client.name,
                    "parent": parent.name,
                }
            messages.success(request, text)
            return _to_detail(client)
    return _page(request, client, move_form=form, code=400)


@require_POST
def client_tags(request, client_id: int) -> HttpResponse:
    """The client's tags as typed (a comma list); tags new to the account are made."""
    client = _client(request, client_id)
    require(request.membership, "clients.write")
    names = split_tags(request.POST.get("tags", ""))
    services.client_set_tags(client=client, actor=request.membership, names=names)
    if names:
        text = _("Tags of %(name)s: %(tags)s.") % {"name": client.name, "tags": ", ".join(names)}
    else:
        text = _("%(name)s has no tags now.") % {"name": client.name}
    messages.success(request, text)
    return _to_detail(client)


@require_POST
def client_archive(request, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    require(request.membership, "clients.write")
    services.client_set_archived(client=client, actor=request.membership, archived=True)
    messages.success(
        request,
        sentence(
            _("%(name)s was archived: it leaves every list and metric until it is restored."),
            name=cut(client.name),
        ),
    )
    return _to_detail(client)


@require_POST
def client_restore(request, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    require(request.membership, "clients.write")
    services.client_set_archived(client=client, actor=request.membership, archived=False)
    messages.success(
        request, sentence(_("%(name)s was restored from the archive."), name=cut(client.name))
    )
    return _to_detail(client)


@require_POST
def client_delete(request, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    require(request.membership, "clients.write")
    try:
        services.client_delete(client=client, actor=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_detail(client)
    text = sentence(_("%(name)s was deleted."), name=cut(client.name))
    if can(request.membership, "clients.undelete"):
        # The Undo button travels inside the message to the list page (a one-field form).
        message = format_html(
            '{} <form method="post" action="{}" class="inline-form message-action">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button class="btn small" type="submit">{}</button></form>',
            text,
            reverse("client_undelete", args=[request.account.slug, client.pk]),
            get_token(request),
            _("Undo"),
        )
    else:
        message = format_html(
            "{} {}",
            text,
            _("An owner can restore it within %(days)s days.") % {"days": services.UNDO_DAYS},
        )
    messages.info(request, message)  # not a success message: those fade, and Undo must stay
    return redirect("client_list", account_slug=request.account.slug)


@require_POST
def client_undelete(request, client_id: int) -> HttpResponse:
    client = queries.get_deleted_client(membership=request.membership, pk=client_id)
    require(request.membership, "clients.undelete")
    try:
        services.client_undelete(client=client, actor=request.membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_detail(client)  # its deleted page, which says why
    messages.success(
        request,
        sentence(
            _("%(name)s is restored: it is back in every list, search and metric."),
            name=cut(client.name),
        ),
    )
    return _to_detail(client)


urlpatterns = [
    path("<int:client_id>/", client_detail, name="client_detail"),
    path("<int:client_id>/tree/", client_tree, name="client_tree"),
    path("<int:client_id>/dialogs/", client_dialogs, name="client_dialogs"),
    path("<int:client_id>/edit/", client_edit, name="client_edit"),
    path("<int:client_id>/status/", client_status, name="client_status"),
    path("<int:client_id>/subclients/", client_subclient_add, name="client_subclient_add"),
    path("<int:client_id>/move/", client_move, name="client_move"),
    path("<int:client_id>/tags/", client_tags, name="client_tags"),
    path("<int:client_id>/archive/", client_archive, name="client_archive"),
    path("<int:client_id>/restore/", client_restore, name="client_restore"),
    path("<int:client_id>/delete/", client_delete, name="client_delete"),
    path("<int:client_id>/undelete/", client_undelete, name="client_undelete"),
]
