"""The deployment the end-to-end journeys run against, and the browser they use.

One deployment per module, as docs/operations.md runs Sinergi: the web under gunicorn (two
gthread workers), ``sinergi relay`` and ``sinergi worker`` as their own OS processes, all on a
fresh database and bus namespace (``tests/chaos/harness.py``'s :class:`BusStack`). The stack
follows the suite's: SQLite + kombu filesystem by default; with ``SINERGI_TEST_DATABASE_URL``
a PostgreSQL database of its own (created, then dropped), with ``SINERGI_TEST_BROKER_URL`` a
unique RabbitMQ namespace (its queues and exchanges deleted at the end). The data comes from
the command line like ``make run``: ``sinergi db upgrade``, ``sinergi regions load``,
``sinergi demo``.

Every page watches for console errors, uncaught exceptions, CSP violations, failed requests
and responses ≥ 500; a journey ends with :meth:`People.assert_clean`. When a journey fails,
a screenshot of each open page (``test-artifacts/e2e/``) and the tail of every process log
are added to the pytest report.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.chaos.harness import BusStack, create_database, drop_database, wait_web

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
#: The longest a journey waits for something the worker does (a match, a booth, a notice).
EVENT_WAIT_SECONDS = 60.0
LOG_TAIL = 4000

#: Reports each CSP violation on the console (Chromium also logs its own message).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
                + ` at ${e.sourceFile || document.location.href}:${e.lineNumber}`);
});
"""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: browser journeys against real gunicorn, relay and worker processes")


# ---------------------------------------------------------------- the deployment


@dataclass
class Deployment:
    """The running processes, their base URL and what setting them up took."""

    stack: BusStack
    url: str
    database: str  # "SQLite" or the PostgreSQL database's name
    timings: dict[str, float] = field(default_factory=dict)

    def bus(self) -> dict[str, Any]:
        """The event bus as ``sinergi events status --json`` reports it."""
        from core.events.admin import status

        with self.stack.app.app_context(), self.stack.reading() as session:
            return status(session).as_dict()

    def status(self) -> str:
        """:meth:`bus` for a failure message."""
        try:
            return repr(self.bus())
        except Exception as exc:  # noqa: BLE001 - only for a failure message
            return f"(status unavailable: {exc})"

    def logs(self) -> list[tuple[str, str]]:
        return [(proc.log.name, proc.output()[-LOG_TAIL:]) for proc in self.stack.procs]


def _cli(stack: BusStack, *args: str, timeout: float = 180.0) -> float:
    began = time.monotonic()
    result = stack.cli(*args, timeout=timeout)
    assert result.returncode == 0, (f"sinergi {' '.join(args)} failed:\n"
                                    f"{result.stdout[-LOG_TAIL:]}\n{result.stderr[-LOG_TAIL:]}")
    return round(time.monotonic() - began, 1)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Web, relay and worker processes on a fresh database and bus namespace, demo loaded."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    token = uuid.uuid4().hex[:8]
    suite_db = os.environ.get("SINERGI_TEST_DATABASE_URL", "")
    database_url = (create_database(suite_db, f"e2e_{token}")
                    if suite_db.startswith("postgresql") else "")
    stack = BusStack(
        instance=tmp_path_factory.mktemp("e2e"), database_url=database_url,
        broker_url=os.environ.get("SINERGI_TEST_BROKER_URL", ""),
        # Every installed plugin, as a deployment runs them (not the chaos tests' recorder).
        extra={"enabled_plugins": ["*"], "plugin_modules": []},
        namespace=f"e2e-{token}",
    )
    timings: dict[str, float] = {}
    try:
        try:
            timings["db upgrade"] = _cli(stack, "db", "upgrade")
            timings["regions load"] = _cli(stack, "regions", "load")
            # Workers first: every handler's queue exists before events are published.
            stack.spawn("worker", max_seconds=900)
            stack.spawn("relay", max_seconds=900)
            began = time.monotonic()
            web, url = stack.spawn_web(workers=2, max_seconds=900, ready_timeout=None)
            timings["demo"] = _cli(stack, "demo")  # while gunicorn starts
            wait_web(web, url)
            timings["gunicorn ready"] = round(time.monotonic() - began, 1)
        except Exception as exc:
            logs = "\n".join(f"--- {proc.log.name}\n{proc.output()[-LOG_TAIL:]}"
                             for proc in stack.procs)
            raise RuntimeError(f"the deployment did not start: {exc}\n{logs}") from exc
        yield Deployment(stack, url, database_url.rsplit("/", 1)[-1] or "SQLite", timings)
        print(f"e2e set-up seconds: {timings}")  # shown with -s or -rP
    finally:
        # SIGTERM to every process at once (each stops gracefully within seconds), then
        # the harness waits for each, deletes the broker namespace, drops the database.
        for proc in stack.procs:
            if proc.alive():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGTERM)
        stack.close()
        if database_url:
            drop_database(database_url)


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def chromium(deployment: Deployment) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


EMAILS = {
    "officer": f"officer.surabaya@{DEMO_DOMAIN}",
    "admin": f"admin@{DEMO_DOMAIN}",
    "partner": f"partner@{DEMO_DOMAIN}",
    "assessor": f"evaluator@{DEMO_DOMAIN}",
}


class People:
    """One browser context (own cookies) per person, each page watched for problems."""

    def __init__(self, browser: Any, deployment: Deployment):
        self.browser = browser
        self.deployment = deployment
        self.url = deployment.url
        self.pages: dict[str, Any] = {}
        self.problems: list[str] = []
        self._contexts: list[Any] = []

    def open(self, who: str) -> Any:
        """A fresh page for ``who`` (not logged in)."""
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_LISTENER)
        self._contexts.append(context)
        page = context.new_page()
        self._watch(page, who)
        self.pages[who] = page
        return page

    def _watch(self, page: Any, who: str) -> None:
        add = self.problems.append
        page.on("console", lambda msg: msg.type == "error" and add(
            f"{who}: console error on {page.url}: {msg.text}"))
        page.on("pageerror", lambda error: add(f"{who}: uncaught error on {page.url}: {error}"))
        page.on("response", lambda response: response.status >= 500 and add(
            f"{who}: {response.status} for {response.request.method} {response.url}"))
        page.on("requestfailed", lambda request: (request.failure or "") != "net::ERR_ABORTED"
                and add(f"{who}: request failed: {request.method} {request.url} "
                        f"({request.failure})"))

    def login(self, who: str) -> Any:
        """Log ``who`` in through the form; checks the greeting."""
        page = self.open(who)
        page.goto(f"{self.url}/login")
        page.fill("#email", EMAILS[who])
        page.fill("#password", DEMO_PASSWORD)
        page.get_by_role("button", name="Masuk").last.click()
        page.wait_for_url(f"{self.url}/dashboard")
        assert flashes(page)[0].startswith("Selamat datang, "), flashes(page)
        return page

    def wait_for(self, page: Any, shown: Callable[[], bool], *, what: str,
                 seconds: float = EVENT_WAIT_SECONDS) -> float:
        """Reload ``page`` until ``shown()`` (something the worker produces from events);
        fail with the bus status after ``seconds``. Returns the seconds waited."""
        began = time.monotonic()
        while not shown():
            waited = time.monotonic() - began
            if waited > seconds:
                pytest.fail(f"{what}: not shown after {seconds:.0f} s of reloading "
                            f"{page.url}. Event bus: {self.deployment.status()}")
            page.wait_for_timeout(500)
            page.reload()
        return round(time.monotonic() - began, 1)

    def assert_clean(self) -> None:
        """Nothing went wrong in the browser, and no event delivery died in the worker."""
        assert not self.problems, "problems seen in the browser:\n" + "\n".join(self.problems)
        bus = self.deployment.bus()
        assert bus["dead"] == 0, f"dead event deliveries (sinergi events dead): {bus}"

    def screenshots(self, name: str) -> list[Path]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        paths = []
        for who, page in self.pages.items():
            path = ARTIFACTS / f"{name}-{who}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception:  # noqa: BLE001 - the page may be gone
                continue
            paths.append(path)
        return paths

    def close(self) -> None:
        for context in self._contexts:
            with contextlib.suppress(Exception):  # closing after a browser crash
                context.close()


def flashes(page: Any) -> list[str]:
    """The flash messages on the page."""
    return [text.strip() for text in page.locator(".flashes .flash").all_inner_texts()]


@pytest.fixture
def people(chromium: Any, deployment: Deployment) -> Iterator[People]:
    crowd = People(chromium, deployment)
    yield crowd
    crowd.close()


# ---------------------------------------------------------------- failure report


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a failed journey: screenshots of the open pages, the bus status and the tail of
    every process log in the report."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed or report.when not in ("setup", "call"):
        return
    funcargs = getattr(item, "funcargs", {})
    crowd: People | None = funcargs.get("people")
    deployed: Deployment | None = funcargs.get("deployment")
    if crowd is not None:
        lines = [f"{who}: {page.url}" for who, page in crowd.pages.items()]
        lines += [f"screenshot: {path}" for path in crowd.screenshots(item.name)]
        report.sections.append(("e2e pages", "\n".join(lines)))
    if deployed is not None:
        report.sections.append(("e2e deployment", f"{deployed.url} on {deployed.database}, "
                                f"set-up seconds {deployed.timings}\n{deployed.status()}"))
        for name, text in deployed.logs():
            report.sections.append((f"e2e log {name}", text))
