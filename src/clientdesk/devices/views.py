"""The Devices tab of the client page (core.tables, like the Contacts tab), add and edit in a
dialog, bulk changes to the selected devices, and the device page.

Every view starts from the client (`get_client`: hidden, deleted or another account's is 404)
and a device must belong to that client (else 404 as well); only then is the role asked
(`devices.write`, 403). Every write goes through devices.services.
"""

from dataclasses import dataclass, replace
from typing import ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientdesk.audit.queries import activity_for_target
from clientdesk.audit.sentences import sentences
from clientdesk.clients.models import Client
from clientdesk.clients.queries import get_client
from clientdesk.clients.views.detail import page_context
from clientdesk.core import tables
from clientdesk.core.forms import add_errors
from clientdesk.core.pagination import Page
from clientdesk.core.roles import can, require
from clientdesk.devices import queries, services
from clientdesk.devices.forms import DeviceBulkForm, DeviceForm
from clientdesk.devices.models import Device, DeviceType
from clientdesk.devices.rows import rows_attach

COLUMNS = {
    "name": gettext_lazy("Name"),
    "type": gettext_lazy("Type"),
    "os": gettext_lazy("Operating system"),
    "manufacturer": gettext_lazy("Manufacturer"),
    "model": gettext_lazy("Model"),
    "serial": gettext_lazy("Serial"),
    "ip": gettext_lazy("IP"),
    "mac": gettext_lazy("MAC"),
    "location": gettext_lazy("Location"),
    "last_seen": gettext_lazy("Last seen"),
    "online": gettext_lazy("Online"),
    "created": gettext_lazy("Added"),
}
TABLE = tables.Table(
    list_name="devices",
    columns=COLUMNS,
    default_columns=("name", "type", "os", "serial", "ip", "last_seen", "online"),
    sorts=queries.SORTS,
    default_sort=queries.DEFAULT_SORT,
    always_shown=("name",),
    num_columns=("created", "last_seen"),
)
CUSTOM_PREFIX = "cf_"  # a custom field's column: cf_<its key>


def _table(custom: list[dict[str, str]]) -> tables.Table:
    """The Devices table with the account's own fields as columns (shown when chosen)."""
    if not custom:
        return TABLE
    own = {f"{CUSTOM_PREFIX}{f['key']}": f["label"] for f in custom}
    return replace(TABLE, columns={**COLUMNS, **own})


ADD_ID = "add-device-%s"
EDIT_ID = "edit-device-%s"
ONLINE = {"yes": True, "no": False}


@dataclass(frozen=True)
class DeviceListState(tables.TableState):
    table: ClassVar[tables.Table] = TABLE
    text_filters: ClassVar[tuple[str, ...]] = ("q",)

    q: str = ""
    type: str = ""
    online: str = ""

    @classmethod
    def filters_from_query(cls, params: QueryDict) -> dict:
        return {
            "q": tables.text(params, "q"),
            "type": tables.one_of(params, "type", DeviceType.values),
            "online": tables.one_of(params, "online", ONLINE),
        }

    def filter_pairs(self) -> list[tuple[str, object]]:
        return [("q", self.q), ("type", self.type), ("online", self.online)]

    @property
    def filtering(self) -> bool:
        return bool(self.q or self.type or self.online)


def _client(request: HttpRequest, client_id: int) -> Client:
    return get_client(membership=request.membership, pk=client_id)


def _device(request: HttpRequest, client: Client, device_id: int) -> Device:
    device = queries.get_device(membership=request.membership, pk=device_id)
    if device.client_id != client.pk:  # another client's device, even one this person sees
        raise Http404
    return device


def _tab_url(request: HttpRequest, client: Client) -> str:
    return reverse("client_devices", args=[request.account.slug, client.pk])


def _back(request: HttpRequest, client: Client) -> HttpResponse:
    return tables.back_to(request, DeviceListState, _tab_url(request, client))


def _labels(request) -> dict[str, str]:
    return queries.type_labels(queries.request_settings(request))


def _form_options(request) -> dict:
    """What the device dialog needs of the account: the tiers' names and its own fields."""
    found = queries.request_settings(request)
    return {"type_labels": queries.type_labels(found), "custom": queries.custom_fields(found)}


# The tab


@require_GET
def devices_tab(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    refusal = DeviceListState.refusal(request.GET)
    if refusal:
        messages.error(request, refusal)
    return _render_tab(request, client, request.GET, status=400 if refusal else 200)


def _render_tab(
    request: HttpRequest,
    client: Client,
    params: QueryDict,
    *,
    add_form: DeviceForm | None = None,
    edit: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    state = DeviceListState.from_query(params)
    list_url = _tab_url(request, client)
    link = tables.linker(list_url)
    online = ONLINE.get(state.online)
    options = _form_options(request)
    labels = options["type_labels"]

    def fetch(*, cursor, before, limit) -> Page:
        page = queries.devices_of(
            membership=request.membership,
            client=client,
            q=state.q,
            type=state.type,
            online=online,
            order=state.sort_param,
            cursor=cursor,
            before=before,
            limit=limit,
        )
        for device in page.items:
            device.type_label = labels[device.type]
        return page

    table = _table(options["custom"])
    context = tables.table_context(request, state, fetch, link, table)
    rows_attach(
        request,
        context["results"].items,
        [key for key in table.columns if key in context["shown"]],
        custom=options["custom"],
        list_url=list_url,
        return_query=context["return_query"],
        selectable=can(request.membership, "devices.write"),
    )
    if not tables.wants_partial(request):
        context |= page_context(request, client)  # the client page around the tab
    count = queries.known_count(request, client, q=state.q, type=state.type, online=online)
    if count is None:
        count = queries.filtered(
            request.membership, client, q=state.q, type=state.type, online=online
        ).count()
    context |= {
        "client": client,
        "active_tab": "devices",
        "list_url": list_url,
        "count": count,
        "type_labels": labels,
        "type_choices": [(value, labels[value]) for value in DeviceType.values],
        "no_devices_yet": not state.filtering and count == 0,
        "clear_url": link(
            DeviceListState(sort=state.sort, descending=state.descending, size=state.size).query()
        ),
        "add_form": add_form
        or DeviceForm(auto_id=ADD_ID, **options, initial={"return_query": state.here()}),
        "edit": edit,
    }
    return tables.render_table(request, "devices/tab.html", context, status=status)


@require_POST
def devices_columns(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    table = _table(_form_options(request)["custom"])
    if table.save_choice(request) and request.htmx:
        return _render_tab(request, client, QueryDict(request.POST.get("return_query", "")))
    return _back(request, client)


# Add and edit


def _return_params(form: DeviceForm) -> QueryDict:
    return QueryDict(form.data.get("return_query", ""))


@require_POST
def device_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    require(request.membership, "devices.write")
    form = DeviceForm(request.POST, auto_id=ADD_ID, **_form_options(request))
    if form.is_valid():
        try:
            device = services.device_create(
                client=client, actor=request.membership, **form.service_fields()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added to the devices.") % {"name": device})
            return _back(request, client)
    form.focus_first_error()
    return _render_tab(request, client, _return_params(form), add_form=form, status=400)


@require_http_methods(["GET", "POST"])
def device_edit(request: HttpRequest, client_id: int, device_id: int) -> HttpResponse:
    client = _client(request, client_id)
    device = _device(request, client, device_id)
    require(request.membership, "devices.write")
    options = _form_options(request)
    if request.method != "POST":
        form = DeviceForm.for_device(device, auto_id=EDIT_ID, **options)
        form.initial["return_query"] = request.GET.get("return_query", "")
        # From the device page: saving goes back there.
        edit = {"form": form, "device": device, "next": request.GET.get("next") == "device"}
        if request.htmx:  # only the dialog, which the tab opens
            return render(request, "devices/device_dialog.html", {"client": client, **edit})
        return _render_tab(request, client, QueryDict(form.initial["return_query"]), edit=edit)

    form = DeviceForm(request.POST, auto_id=EDIT_ID, **options)
    if form.is_valid():
        try:
            device = services.device_update(
                device=device,
                actor=request.membership,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except services.StaleDevice as exc:
            # Someone saved it meanwhile: show what is saved now; this person applies again.
            fresh = DeviceForm.for_device(exc.current, auto_id=EDIT_ID, **options)
            fresh.initial["return_query"] = form.cleaned_data["return_query"]
            edit = {"form": fresh, "device": exc.current, "stale": True}
            return _render_tab(request, client, _return_params(form), edit=edit, status=409)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": device})
            if request.POST.get("next") == "device":
                return redirect(
                    "device_detail",
                    account_slug=request.account.slug,
                    client_id=client.pk,
                    device_id=device.pk,
                )
            return _back(request, client)
    form.focus_first_error()
    edit = {"form": form, "device": device, "next": request.POST.get("next") == "device"}
    return _render_tab(request, client, _return_params(form), edit=edit, status=400)


# Bulk


@require_POST
def devices_bulk(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    require(request.membership, "devices.write")
    form = DeviceBulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(request, client)
    data = form.cleaned_data
    # Only this client's devices that this person may see, whatever ids were sent.
    chosen = list(
        queries.live_devices(request.membership)
        .filter(client_id=client.pk, pk__in=data["ids"])
        .select_related("client")
        .order_by("id")
    )
    if not chosen:
        messages.error(request, _("The selected devices are no longer there."))
        return _back(request, client)
    action = data["action"]
    value = {"type": data.get("type"), "location": (data.get("location") or "").strip()}.get(action)
    try:
        services.devices_bulk(devices=chosen, actor=request.membership, action=action, value=value)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request, client)
    n = len(chosen)
    if action == "delete":
        text = ngettext("%(n)s device deleted.", "%(n)s devices deleted.", n)
    elif action == "type":
        text = ngettext("Type set on %(n)s device.", "Type set on %(n)s devices.", n)
    else:
        text = ngettext("Location set on %(n)s device.", "Location set on %(n)s devices.", n)
    messages.success(request, text % {"n": n})
    return _back(request, client)


# The device page


@require_GET
def device_detail(request: HttpRequest, client_id: int, device_id: int) -> HttpResponse:
    client = _client(request, client_id)
    device = _device(request, client, device_id)
    found = queries.settings_of(request.account)
    labels = queries.type_labels(found)
    history = sentences(list(activity_for_target(target=device)[:50]), reader=request.membership)
    context = page_context(request, client) | {
        "client": client,
        "active_tab": "devices",
        "device": device,
        "type_label": labels[device.type],
        "rmm_url": queries.rmm_url(found, device),
        "custom_values": queries.custom_values(found, device),
        "history": history,
        "tab_url": _tab_url(request, client),
    }
    return render(request, "devices/device.html", context)


@require_POST
def device_remove(request: HttpRequest, client_id: int, device_id: int) -> HttpResponse:
    client = _client(request, client_id)
    device = _device(request, client, device_id)
    require(request.membership, "devices.write")
    services.device_delete(device=device, actor=request.membership)
    messages.success(request, _("%(name)s was deleted.") % {"name": device})
    return redirect(_tab_url(request, client))
