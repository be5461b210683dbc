"""The client navigator beside the client pages (clients/navigator.py): the panel, one more page
of a level, the filter's matches, and where the person left it (open, expanded clients).

The partials are for htmx; a plain request for one of them goes to the Clients page.
"""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from clientdesk.clients import navigator, queries, services
from clientdesk.clients.models import Client
from clientdesk.core.api_schemas import NUL_MESSAGE, id_from_text
from clientdesk.core.pagination import BadCursor
from clientdesk.core.tables import text


def _to_list(request) -> HttpResponse:
    return redirect("client_list", account_slug=request.account.slug)


def panel_context(request, current: Client | None, *, filled: bool | None = None) -> dict:
    """What a client page needs to draw the navigator; its tree when `filled` (by default:
    when the person left it open; else it loads as they open it)."""
    pref = navigator.preference(request.membership)
    is_open = bool(pref and pref.open)
    context = {"nav_open": is_open}
    if is_open if filled is None else filled:
        context["nav_tree"] = navigator.navigator(
            request.membership, current=current, expanded=pref.expanded if pref else ()
        )
    return context


@require_GET
def client_navigator(request) -> HttpResponse:
    """The navigator's inside, revealing `current` (a client id) when this person sees it."""
    if not request.htmx:
        return _to_list(request)
    current = None
    pk = id_from_text(request.GET.get("current", ""))
    if pk is not None:
        try:
            current = queries.get_client(membership=request.membership, pk=pk)
        except Http404:
            current = None  # not theirs (or gone): the tree without it
    context = panel_context(request, current, filled=True)
    return render(request, "clients/navigator_tree.html", context)


def _level(request, level: navigator.Level, more_url: str) -> HttpResponse:
    context = {"nodes": level.nodes, "more": level.more, "more_url": more_url}
    return render(request, "clients/navigator_items.html", context)


@require_GET
def client_navigator_tops(request) -> HttpResponse:
    """The next page of the top level, after `cursor`."""
    if not request.htmx:
        return _to_list(request)
    try:
        level = navigator.tops(request.membership, cursor=request.GET.get("cursor") or None)
    except BadCursor:
        return HttpResponseBadRequest()
    return _level(request, level, request.path)


@require_GET
def client_navigator_children(request, client_id: int) -> HttpResponse:
    """A client's sub-clients (the first page, or the one after `cursor`), as it is expanded."""
    parent = queries.get_client(membership=request.membership, pk=client_id)
    if not request.htmx:
        return redirect("client_detail", account_slug=request.account.slug, client_id=parent.pk)
    try:
        level = navigator.children(
            request.membership, parent=parent, cursor=request.GET.get("cursor") or None
        )
    except BadCursor:
        return HttpResponseBadRequest()
    return _level(request, level, request.path)


@require_GET
def client_navigator_search(request) -> HttpResponse:
    """The clients whose name or prefix holds `q`, each under the way down to it."""
    if not request.htmx:
        return _to_list(request)
    if "\x00" in request.GET.get("q", ""):
        return HttpResponseBadRequest(str(NUL_MESSAGE))
    q = text(request.GET, "q")
    if not q:
        return HttpResponse("")  # empty: the tree shows again
    found, more = navigator.matches(request.membership, q)
    return render(
        request, "clients/navigator_matches.html", {"matches": found, "more": more, "q": q}
    )


@require_POST
def client_navigator_state(request) -> HttpResponse:
    """Remember whether the navigator is open and which clients are expanded."""
    ids = [id_from_text(part) for part in request.POST.get("expanded", "").split(",")]
    services.navigator_preference_save(
        membership=request.membership,
        open=request.POST.get("open") == "1",
        expanded=[pk for pk in ids if pk is not None],
    )
    return HttpResponse(status=204)


urlpatterns = [
    path("navigator/", client_navigator, name="client_navigator"),
    path("navigator/top/", client_navigator_tops, name="client_navigator_tops"),
    path("navigator/search/", client_navigator_search, name="client_navigator_search"),
    path("navigator/state/", client_navigator_state, name="client_navigator_state"),
    path("<int:client_id>/navigator/", client_navigator_children, name="client_navigator_children"),
]
