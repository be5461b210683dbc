"""Walks every URL pattern of a URLconf and proves each one is scoped to the account.

For every pattern below /a/<account_slug>/ it asks, with GET and POST:
  - signed out: the answer is a redirect to sign in;
  - as a member of another account, at the victim account's slug: 404;
  - as that member at their own account's slug, with the victim's object ids: 404 (or 405
    when the method itself is refused before any lookup).
For every API pattern: no token is 401, and the other account's token with the victim's object
ids is 404. Every pattern below /portal/ sends a signed-out person to the portal's sign-in. Other
patterns must be public by name or redirect a signed-out person to sign in.

`find_portal_leaks` walks the same patterns with signed-in portal users: below /portal/, a portal
user given another client's object ids gets 404 (and never sees that client's name on a page
without ids); on every staff pattern, a portal user gets 404, 405 or a redirect (to sign in or to
their portal), never a page.

`find_role_gaps` sends every write (POST to a page below /a/<account_slug>/; POST, PUT, PATCH or
DELETE to an API route) as each member of one account, on that account's own objects, and asks
tests/security/capabilities.py which capability it needs: a member without it must get 403, one
with it neither 403 nor 404. A page that answers POST with anything but 405, or an API route with
a write method, must be in that table.

`find_limit_leaks` sends, as members limited to some clients, every request (pages: GET and POST;
API: each method of the route) to every URL of a client they may not see, and of its nested
objects (contacts, portal invitations, portal users, ...): 404, or 405 when a page refuses the
method before any lookup; a route that names its client in the query string (CLIENT_QUERIES,
the jobs report's `?client=`) gets the hidden client's id there, and must answer 404 too.

A pattern whose path holds a parameter the walker does not know fails the walk, so a new view
cannot pass without someone saying which object of the victim account its parameter names (and,
for the client limits, whether that object belongs to a client).

Every request of the role and limit walks runs inside a savepoint that is rolled back, so one
member's successful delete or revoke never changes what the next request finds.
"""

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from clientdesk.core.models import Membership
from clientdesk.core.roles import can

PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",  # ninja's root: answers 404 to everyone
    "api:inbound_email",  # no token: the account's inbound secret (tests/integrations)
    "portal_login",
    "portal_logout",
    "portal_password_reset",
    "portal_password_reset_done",
    "portal_password_reset_confirm",
    "portal_password_reset_complete",
    "portal_invitation",
}
# Path parameters that name a choice, not an object (an import template's kind and format):
# the walker fills them in, but they are nobody's ids, so they alone prove no leak.
NOT_OBJECTS = frozenset({"kind", "fmt"})
# Path parameters that name an object of the account as a whole, not of one client: a member's
# client limit does not reach them. Any other object parameter must name one of the hidden
# client's objects in `find_limit_leaks`.
ACCOUNT_OBJECTS = frozenset(
    {
        "membership_id",
        "invitation_id",
        "message_id",
        "token_id",
        "import_id",
        "industry_id",
        "holiday_id",
        "application_id",  # the catalog's (a client's stack names it too, below its client)
    }
)
# Routes that name a client in their query string rather than their path: the limit walk sends
# the hidden client's id there too (GET), and wants the same 404 as for a path.
CLIENT_QUERIES = {
    "agreement_new": "client",
    "ticket_report": "client",
    "ticket_report_export": "client",
    "api:jobs_report_get": "client",
}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
ACCOUNT_PREFIX = "a/<slug:account_slug>/"
API_PREFIX = "api/v1/"
PORTAL_PREFIX = "portal/"


@dataclass
class Route:
    route: str
    name: str
    params: list[str]
    # An API operation's HTTP methods; None for a page (a Django view does not declare them).
    methods: frozenset[str] | None = None

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API_PREFIX)

    def path(self, values: dict[str, object]) -> str:
        import re

        def fill(match: "re.Match[str]") -> str:
            return str(values[match.group(2)])

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, self.route)


def routes(urlconf=None) -> list[Route]:
    import re

    found: list[Route] = []

    def visit(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                visit(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                params = re.findall(r"<(?:\w+:)?(\w+)>", route)
                found.append(
                    Route(
                        route=route,
                        name=f"{namespace}{p.name or ''}",
                        params=params,
                        methods=_operation_methods(p),
                    )
                )

    visit(get_resolver(urlconf).url_patterns, "", "")
    return found


def _operation_methods(pattern: URLPattern) -> frozenset[str] | None:
    """The methods of the django-ninja operation behind `pattern`, None for any other view.

    ninja gives each operation of a path its own named pattern, all with the same view (which
    dispatches on the method); that view closes over the path's operations.
    """
    from ninja.operation import PathView

    if not inspect.isfunction(pattern.callback):
        return None
    path_view = inspect.getclosurevars(pattern.callback).nonlocals.get("self")
    if not isinstance(path_view, PathView):
        return None
    for operation in path_view.operations:
        if (getattr(operation, "url_name", None) or operation.view_func.__name__) == pattern.name:
            return frozenset(operation.methods)
    return frozenset()  # an operation the walker cannot name: find_role_gaps says so


def find_leaks(
    *,
    urlconf,
    victim_slug: str,
    own_slug: str,
    victim_objects: dict[str, object],
    outsider_client: Client,
    outsider_token: str,
) -> list[str]:
    """Every way a pattern answers that it should not; empty when all is scoped."""
    problems: list[str] = []
    anonymous = Client()
    api = Client(headers={"authorization": f"Bearer {outsider_token}"})
    for r in routes(urlconf):
        unknown = [p for p in r.params if p != "account_slug" and p not in victim_objects]
        if unknown:
            problems.append(f"{r.route}: teach the walker which object {unknown} names")
            continue
        objects = {k: v for k, v in victim_objects.items() if k in r.params}
        ids = objects.keys() - NOT_OBJECTS
        if r.route.startswith(ACCOUNT_PREFIX):
            at_victim = r.path({**objects, "account_slug": victim_slug})
            at_own = r.path({**objects, "account_slug": own_slug})
            problems += _expect(anonymous, at_victim, _is_sign_in_redirect, "signed out")
            problems += _expect(outsider_client, at_victim, _is_404, "outsider at victim")
            if ids:
                problems += _expect(outsider_client, at_own, _is_404_or_405, "victim's ids")
        elif r.route.startswith(API_PREFIX):
            if r.name in PUBLIC:
                continue
            problems += _expect(anonymous, r.path(objects), _is_401_or_405, "no token")
            if ids:
                problems += _expect(api, r.path(objects), _is_404_or_405, "other token")
        elif r.route.startswith(PORTAL_PREFIX):
            if r.name not in PUBLIC:
                problems += _expect(
                    anonymous, r.path(objects), _is_portal_sign_in_redirect, "signed out"
                )
        elif r.name not in PUBLIC and not r.route.startswith("static/"):
            problems += _expect(anonymous, r.path(objects), _is_sign_in_redirect, "signed out")
    return problems


@dataclass
class PortalCase:
    """`who` (a signed-in portal user) must not reach `objects` nor see `marker` anywhere."""

    who: str
    client: Client
    objects: dict[str, object]
    marker: str


def find_portal_leaks(
    *, urlconf, cases: list[PortalCase], staff_slug: str, staff_objects: dict[str, object]
) -> list[str]:
    problems: list[str] = []
    for r in routes(urlconf):
        if r.name in PUBLIC or r.route.startswith("static/"):
            continue
        if r.route.startswith(PORTAL_PREFIX):
            for case in cases:
                unknown = [p for p in r.params if p not in case.objects]
                if unknown:
                    problems.append(f"{r.route}: teach the walker which object {unknown} names")
                    continue
                path = r.path(case.objects)
                if r.params:
                    problems += _expect(case.client, path, _is_404_or_405, case.who)
                else:
                    problems += _expect(case.client, path, _hides(case.marker), case.who)
            continue
        unknown = [p for p in r.params if p != "account_slug" and p not in staff_objects]
        if unknown:
            problems.append(f"{r.route}: teach the walker which object {unknown} names")
            continue
        path = r.path({**staff_objects, "account_slug": staff_slug})
        for case in cases:
            problems += _expect(case.client, path, _not_staff_page, f"{case.who} on staff")
    return problems


# --- Roles and client limits --------------------------------------------------------------------


@dataclass
class Member:
    """A member of the account, signed in on the pages (`page`) and holding a token (`api`)."""

    who: str
    membership: Membership
    page: Client
    api: Client


def signed_in_member(who: str, membership: Membership, token: str) -> Member:
    page = Client()
    page.force_login(membership.user)
    api = Client(headers={"authorization": f"Bearer {token}"})
    return Member(who=who, membership=membership, page=page, api=api)


def find_role_gaps(
    *,
    urlconf,
    slug: str,
    members: list[Member],
    objects: dict[str, object],
    table: dict[str, str | tuple[str, ...]],
    route_objects: dict[str, dict[str, object]] | None = None,
    bodies: dict[str, dict] | None = None,
) -> list[str]:
    """Every write that answers a member otherwise than their role says; empty when all agree.

    `members[0]` must hold every capability: a page it answers 405 to POST changes nothing.
    `objects` are the account's own objects (by path parameter), `route_objects` their
    replacements for one URL name (say a deleted client to undelete), `bodies` the JSON an API
    write sends (by URL name; `{}` otherwise), so that a role check is never hidden behind a 404
    or a 422.
    """
    problems: list[str] = []
    seen: set[str] = set()
    for r in routes(urlconf):
        if r.name in PUBLIC or not r.route.startswith((ACCOUNT_PREFIX, API_PREFIX)):
            continue
        if r.is_api and not r.methods:
            problems.append(f"{r.name}: the walker cannot tell this API route's methods")
            continue
        methods = [m for m in WRITE_METHODS if m in r.methods] if r.is_api else ["POST"]
        if not methods:
            continue  # an API route that only reads
        values = {**objects, **(route_objects or {}).get(r.name, {}), "account_slug": slug}
        unknown = [p for p in r.params if p not in values]
        if unknown:
            problems.append(f"{r.route}: teach the walker which object {unknown} names")
            continue
        path, body = r.path(values), (bodies or {}).get(r.name, {})
        for method in methods:
            first = _send(members[0], r.is_api, method, path, body)
            if first.status_code == 405 and not r.is_api:
                continue  # the page takes no POST: nothing to guard
            seen.add(r.name)
            if r.name not in table:
                problems.append(
                    f"{method} {path} ({r.name}) changes something: say in "
                    "tests/security/capabilities.py which capability it needs"
                )
                continue
            needs = table[r.name]
            needs = (needs,) if isinstance(needs, str) else needs
            answers = [(members[0], first)]
            answers += [(m, _send(m, r.is_api, method, path, body)) for m in members[1:]]
            for member, response in answers:
                code, caps = response.status_code, "+".join(needs)
                if all(can(member.membership, c) for c in needs):
                    if code in (403, 404):
                        problems.append(
                            f"{method} {path} ({member.who}, holds {caps}) answered {code}"
                        )
                elif code != 403:
                    problems.append(
                        f"{method} {path} ({member.who}, lacks {caps}) answered {code}, not 403"
                    )
    for name in sorted(table.keys() - seen):
        problems.append(f"{name}: in tests/security/capabilities.py but no such write URL")
    return problems


@dataclass
class LimitCase:
    """`member` may not see the client whose objects are `hidden` (by path parameter)."""

    who: str
    member: Member
    hidden: dict[str, object]
    # A client the member does see: nested objects of the hidden client are tried below it too.
    visible_client_id: int
    # Replacements for one URL name, say the hidden client's deleted sub-client to undelete.
    route_objects: dict[str, dict[str, object]] = field(default_factory=dict)


def find_limit_leaks(
    *,
    urlconf,
    slug: str,
    cases: list[LimitCase],
    objects: dict[str, object],
    bodies: dict[str, dict] | None = None,
) -> list[str]:
    """Every request on a hidden client's URL that is not answered 404; empty when none."""
    problems: list[str] = []
    of_a_client = set().union(*(case.hidden.keys() for case in cases))
    found = routes(urlconf)
    if urlconf is None:  # the app's own URLs (a planted URLconf holds only its leaks)
        for name in sorted(CLIENT_QUERIES.keys() - {r.name for r in found}):
            problems.append(f"{name}: in walker.CLIENT_QUERIES but no such URL")
    for r in found:
        if r.name in PUBLIC or not r.route.startswith((ACCOUNT_PREFIX, API_PREFIX)):
            continue
        if r.name in CLIENT_QUERIES:
            for case in cases:
                path = r.path({**objects, **case.hidden, "account_slug": slug})
                path += f"?{CLIENT_QUERIES[r.name]}={case.hidden['client_id']}"
                code = _send(case.member, r.is_api, "GET", path, {}).status_code
                if code != 404:
                    problems.append(f"GET {path} ({case.who}) answered {code}, not 404")
        params = set(r.params) - {"account_slug"} - NOT_OBJECTS
        unclassified = params - of_a_client - ACCOUNT_OBJECTS
        if unclassified:
            problems.append(
                f"{r.route}: teach the walker whether {sorted(unclassified)} names an object "
                "of a client (LimitCase.hidden) or of the whole account (ACCOUNT_OBJECTS)"
            )
            continue
        if not params & of_a_client:
            continue
        methods = sorted(r.methods or ()) if r.is_api else ["GET", "POST"]
        body = (bodies or {}).get(r.name, {})
        for case in cases:
            values = {**objects, **case.hidden, **case.route_objects.get(r.name, {})}
            values["account_slug"] = slug
            paths = [r.path(values)]
            if "client_id" in params and len(params & of_a_client) > 1:
                # The hidden client's nested object below a client the member does see.
                paths.append(r.path({**values, "client_id": case.visible_client_id}))
            for path in paths:
                for method in methods:
                    code = _send(case.member, r.is_api, method, path, body).status_code
                    if code != 404 and not (code == 405 and not r.is_api):
                        problems.append(f"{method} {path} ({case.who}) answered {code}, not 404")
    return problems


def _send(member: Member, api: bool, method: str, path: str, body: dict):
    """One request, its changes rolled back so that the next request finds the same objects."""
    with transaction.atomic():
        if api:
            data = json.dumps(body) if method != "GET" else None
            response = member.api.generic(method, path, data or "", content_type="application/json")
        else:
            response = getattr(member.page, method.lower())(path)
        transaction.set_rollback(True)
    return response


def _expect(client: Client, path: str, ok: Callable, who: str) -> list[str]:
    out = []
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if not ok(response):
            out.append(f"{method.upper()} {path} ({who}) answered {response.status_code}")
    return out


def _is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/sign-in/")


def _is_portal_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/portal/sign-in/")


def _hides(marker: str) -> Callable:
    def ok(response) -> bool:
        body = response.content.decode(errors="replace")
        return response.status_code in (200, 302, 400, 404, 405) and marker not in body

    return ok


def _not_staff_page(response) -> bool:
    """A portal user on a staff pattern: refused, or sent away; never served a page."""
    if response.status_code in (401, 404, 405):
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location.startswith(("/sign-in/", "/portal/"))


def _is_404(response) -> bool:
    return response.status_code == 404


def _is_404_or_405(response) -> bool:
    return response.status_code in (404, 405)


def _is_401_or_405(response) -> bool:
    # 405: the method is refused before anything is looked up, so nothing leaks.
    return response.status_code in (401, 405)
