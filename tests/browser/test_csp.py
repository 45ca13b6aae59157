"""No page breaks its own Content-Security-Policy: core's pages, the API docs and each
plugin's main page are opened in Chromium (with the demo data) and any CSP violation — a
console "Content Security Policy" error or a ``securitypolicyviolation`` event — fails."""

from __future__ import annotations

import pytest

from core.demo import DEMO_DOMAIN, DEMO_PASSWORD, load_demo
from tests.browser.test_core_ui import live_server, page  # noqa: F401

pytestmark = pytest.mark.browser

PAGES = [
    # core
    "/", "/login?next=/", "/regions", "/regions/32.73", "/organisations", "/plans",
    "/dashboard", "/account/tokens", "/admin/users", "/admin/audit", "/api/docs",
    # plugins' main pages
    "/evaluasi/", "/evaluasi/2024", "/pameran", "/pameran/moderasi", "/needs",
    "/notifications/", "/webhooks/",
]

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def demo(app):
    with app.app_context(), app.extensions["sinergi.db"].begin() as session:
        load_demo(session, plugins=app.extensions["sinergi.plugins"])


def _watch(browser_page) -> list[str]:
    found: list[str] = []
    browser_page.add_init_script(WATCH)
    browser_page.on("console", lambda message: found.append(message.text)
                    if "Content Security Policy" in message.text else None)
    return found


def _violations(browser_page, console: list[str]) -> list[str]:
    return console + browser_page.evaluate("window.__cspViolations || []")


def test_the_check_sees_a_violation(live_server, page):  # noqa: F811
    """A control: an inline script without the nonce is refused and reported."""
    console = _watch(page)
    page.goto(f"{live_server}/")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.__ran = true";
                             document.head.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran === undefined")
    assert _violations(page, console), "the injected inline script was not reported"


#: Who opens which pages: each main page as a user allowed to see it.
VISITS = {
    "admin": PAGES,
    "partner": ["/opportunities", "/collaborations"],
    "officer.bandung": ["/needs/mine", "/plans/new", "/evaluasi/"],
}


def _login(browser_page, base: str, who: str) -> None:
    browser_page.context.clear_cookies()
    browser_page.goto(f"{base}/login")
    browser_page.fill("#email", f"{who}@{DEMO_DOMAIN}")
    browser_page.fill("#password", DEMO_PASSWORD)
    browser_page.get_by_role("button", name="Masuk").last.click()
    browser_page.wait_for_url(f"{base}/dashboard")


def test_main_pages_have_no_csp_violations(live_server, page, demo):  # noqa: F811
    console = _watch(page)
    problems, refused = {}, {}
    for who, paths in VISITS.items():
        _login(page, live_server, who)
        for path in paths:
            console.clear()
            response = page.goto(f"{live_server}{path}")
            page.wait_for_load_state("load")
            if response.status != 200:
                refused[(who, path)] = response.status
            found = _violations(page, console)
            if found:
                problems[(who, path)] = found
    assert not problems, problems
    assert not refused, refused
    # The API docs' nonce'd inline script ran: Swagger UI drew the operations.
    page.goto(f"{live_server}/api/docs")
    page.wait_for_selector(".opblock", timeout=10_000)
    assert not _violations(page, console)
