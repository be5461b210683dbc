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

A pattern whose path holds a parameter the walker does not know fails the walk, so a new view
cannot pass without someone saying which object of the victim account its parameter names.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

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
ACCOUNT_PREFIX = "a/<slug:account_slug>/"
API_PREFIX = "api/v1/"
PORTAL_PREFIX = "portal/"


@dataclass
class Route:
    route: str
    name: str
    params: list[str]

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
                found.append(Route(route=route, name=f"{namespace}{p.name or ''}", params=params))

    visit(get_resolver(urlconf).url_patterns, "", "")
    return found


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
