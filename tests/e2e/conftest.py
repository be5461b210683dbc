"""Real-browser tests: Debian's Chromium driven by pytest-playwright against `live_server`.

Never `playwright install` (TOOLCHAIN.md): the browser is /usr/bin/chromium. Every page a test
visits can be checked with axe-core (`check_a11y`) and photographed (`shot`); any console error
or uncaught page error (a CSP violation shows up as one) fails the test (`browser_errors`).
"""

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import ConsoleMessage, Error, Page

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SOURCE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Not under test-results/: pytest-playwright empties that folder at the start of every run.
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
MISSING_CHROMIUM = "Chromium not installed: apt-get install chromium"
BLOCKING_IMPACTS = ("serious", "critical")


def _in_e2e(item: pytest.Item) -> bool:
    return item.path.resolve().is_relative_to(E2E_DIR)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of this folder `e2e`; without Chromium, skip them (or refuse, in CI)."""
    e2e_items = [item for item in items if _in_e2e(item)]
    for item in e2e_items:
        item.add_marker(pytest.mark.e2e)
    if not e2e_items or CHROMIUM.exists():
        return
    if os.environ.get("CLIENTDESK_REQUIRE_ALL") == "1":
        raise pytest.UsageError(
            f"{MISSING_CHROMIUM} (CLIENTDESK_REQUIRE_ALL=1: the browser tests may not be skipped)"
        )
    skip = pytest.mark.skip(reason=f"*** {MISSING_CHROMIUM} ***")
    for item in e2e_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, with Debian's Chromium instead of a download."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str | None:
    """The same as pytest-playwright's fallback `base_url`, which is a session fixture on an
    instance method: pytest 9 deprecates that, and our `filterwarnings = error` turns the
    warning into an error. Tests use `live_server.url`, so this is normally None."""
    return pytestconfig.getoption("--base-url") or pytestconfig.getini("base_url") or None


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """`sign_in(page, live_server, email, password)` through the real sign-in form."""

    def do_sign_in(page: Page, live_server, email: str, password: str) -> None:
        page.goto(f"{live_server.url}/sign-in/")
        page.locator("#id_username").fill(email)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state("load")

    return do_sign_in


class BrowserErrors:
    """Console errors and uncaught page errors seen during one test."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.allowed: list[re.Pattern[str]] = []

    def watch(self, page: Page) -> None:
        """Listen to `page` (the test's own page is watched already; add any other)."""
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)

    def allow(self, pattern: str) -> None:
        """Expect errors matching `pattern` (e.g. the console line Chromium logs for a 403)."""
        self.allowed.append(re.compile(pattern))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.seen.append(f"console: {message.text} ({where})")

    def on_page_error(self, error: Error) -> None:
        self.seen.append(f"page error: {error.name}: {error.message}")

    def unexpected(self) -> list[str]:
        return [e for e in self.seen if not any(p.search(e) for p in self.allowed)]


@pytest.fixture(autouse=True)
def browser_errors(page: Page):
    """Fail the test if the browser logged any console error or uncaught page error."""
    errors = BrowserErrors()
    errors.watch(page)
    yield errors
    unexpected = errors.unexpected()
    if unexpected:
        pytest.fail(
            "The browser reported errors:\n" + "\n".join(f"  - {e}" for e in unexpected),
            pytrace=False,
        )


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['summary']}")
            lines.append(f"       {node['html'][:200]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.map(String), html: n.html,
                                summary: n.failureSummary || ""})),
  }));
}"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


@pytest.fixture
def check_a11y(axe_source: str) -> Callable[[Page], list[dict]]:
    """`check_a11y(page)` runs axe-core on the page as it is now; fails on serious or critical.

    The source is injected with `page.evaluate`, which the page's strict CSP does not block
    (a <script> tag would be). Returns every violation, including the minor ones.
    """

    def run(page: Page) -> list[dict]:
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        violations = page.evaluate(_AXE_RUN)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(
                f"axe-core: {len(blocking)} serious/critical violation(s) on {page.url}:\n"
                + _format_violations(blocking),
                pytrace=False,
            )
        return violations

    return run


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """`shot(page, name)` saves var/screenshots/<test-name>-<name>.png (full page)."""
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.originalname).strip("-")

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{test_name}-{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        # caret="initial": hiding the caret leaves an empty style attribute on every field,
        # which htmx's settle then copies onto the redrawn fields and the page's CSP refuses
        # (a console error of the test's making, not the page's).
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    return take


@pytest.fixture
def worker():
    """The real database task worker in a thread of this process, started on demand.

    Its signal handlers are left out (only the main thread may set them); it stops between
    tasks when the test ends.
    """
    workers: list[tuple[Worker, threading.Thread]] = []

    def start() -> None:
        w = Worker(
            queue_names=["default"],
            interval=0.2,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="e2e-worker",
            excluded_queue_names=[],
        )

        def loop() -> None:
            try:
                w.run()
            finally:
                connection.close()

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        workers.append((w, thread))

    yield start
    for w, thread in workers:
        w.running = False
        thread.join(timeout=60)
