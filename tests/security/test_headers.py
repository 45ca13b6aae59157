"""Security headers: a Content-Security-Policy with a fresh nonce per request, no inline
script, style or event handler in any template, HSTS only over HTTPS, and the API docs page's
own tight policy."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [ROOT / "core" / "templates", *sorted((ROOT / "plugins").glob("*/templates"))]


def _directives(policy: str) -> dict[str, list[str]]:
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def _nonce(policy: str) -> str:
    (source,) = [s for s in _directives(policy)["script-src"] if s.startswith("'nonce-")]
    return source.removeprefix("'nonce-").rstrip("'")


def test_pages_carry_a_nonce_policy_that_changes_every_request(client: FlaskClient) -> None:
    first = client.get("/")
    second = client.get("/")
    policy = _directives(first.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'self'" in policy[directive]
    nonce = _nonce(first.headers["Content-Security-Policy"])
    assert len(nonce) >= 22  # at least 128 bits
    assert nonce != _nonce(second.headers["Content-Security-Policy"])
    assert f"'nonce-{nonce}'" in policy["style-src"]
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert first.headers["X-Frame-Options"] == "DENY"


def test_api_responses_and_errors_carry_the_headers_too(client: FlaskClient) -> None:
    for response in (client.get("/api/v1/regions?per_page=1"), client.get("/api/v1/nope"),
                     client.get("/no-such-page")):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_code_without_a_nonce() -> None:
    """Nonces allow inline <script>/<style> elements, never on…= handlers or style= attributes:
    every template must do without those."""
    problems = []
    checked = 0
    for folder in TEMPLATES:
        for path in folder.rglob("*.html"):
            checked += 1
            text = path.read_text(encoding="utf-8")
            where = path.relative_to(ROOT)
            for match in re.finditer(r"<(script|style)\b([^>]*)>", text, re.I):
                attrs = match.group(2)
                if "src=" in attrs:
                    continue
                if 'nonce="{{ csp_nonce() }}"' not in attrs:
                    problems.append(f"{where}: <{match.group(1)}> without the nonce")
            for match in re.finditer(r"<[a-z][^>]*\s(on[a-z]+|style)\s*=", text, re.I):
                problems.append(f"{where}: inline {match.group(1)}= attribute")
    assert checked > 40
    assert not problems, problems


def test_an_inline_script_gets_the_request_nonce(client: FlaskClient) -> None:
    response = client.get("/api/docs")
    nonce = _nonce(response.headers["Content-Security-Policy"])
    html = response.get_data(as_text=True)
    inline = re.findall(r"<script nonce=\"([^\"]+)\">", html)
    assert inline == [nonce]


def test_api_docs_page_has_its_own_tight_policy(client: FlaskClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    policy = _directives(response.headers["Content-Security-Policy"])
    # Scripts: this site's files and the one nonce'd inline starter; nothing from elsewhere.
    assert [s for s in policy["script-src"] if not s.startswith("'nonce-")] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    # Swagger UI sets inline styles on its elements; that is the one relaxation.
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


def test_hsts_only_over_https(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    # A client claiming HTTPS in a header is not believed without trusted proxies.
    claimed = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in claimed.headers
