"""The application factory."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from core.config import (
    ConfigError,
    check_safety,
    load_settings,
    resolve_paths,
    to_flask_config,
)
from core.db import WRITE_METHODS, Database, mark_writer
from core.db import get_db as app_db
from core.events.core_types import register_core_event_types
from core.events.registry import EventRegistry
from core.plugins import PluginHost

log = logging.getLogger(__name__)


def create_app(
    overrides: Mapping[str, Any] | None = None, *, env: str | None = None
) -> Flask:
    """Build a Sinergi application.

    ``env`` picks ``config/<env>.toml`` (default: ``SINERGI_ENV`` or ``development``);
    ``overrides`` wins over every other configuration source (used by tests).
    """
    settings = resolve_paths(load_settings(env=env, overrides=overrides))
    check_safety(settings)
    Path(settings["instance_path"]).mkdir(parents=True, exist_ok=True)

    app = Flask(
        "core",
        instance_path=settings["instance_path"],
        static_folder="static",
        template_folder="templates",
    )
    app.config.from_mapping(to_flask_config(settings))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    _init_database(app)
    host = _init_plugins(app, settings)
    _init_web_foundation(app)
    _init_api(app)
    _init_pages(app)
    _register_plugin_blueprints(app, host)
    host.call("startup", app=app)
    return app


def _init_database(app: Flask) -> None:
    db = Database(
        app.config["DATABASE_URL"],
        echo=bool(app.config["SQL_ECHO"]),
        sqlite_busy_timeout_ms=int(app.config["SQLITE_BUSY_TIMEOUT_MS"]),
    )
    app.extensions["sinergi.db"] = db
    app.teardown_appcontext(db.remove)


def _init_plugins(app: Flask, settings: dict[str, Any]) -> PluginHost:
    """Load enabled plugins; collect their event types, handlers, permissions, migrations."""
    registry = EventRegistry()
    register_core_event_types(registry)
    host = PluginHost(settings, registry)
    host.load()
    host.register_event_types()
    host.register_handlers()
    host.register_permissions()
    app.extensions["sinergi.events"] = registry
    app.extensions["sinergi.plugins"] = host
    app.extensions["sinergi.migration_dirs"] = list(host.migration_dirs().values())
    app.extensions["sinergi.dormant_migration_dirs"] = host.dormant_migration_dirs()
    # Catalogues merge, later ones winning: core comes last so that a plugin's catalogue never
    # changes the wording of core's own messages.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        [*host.translation_dirs(), str(Path(app.root_path) / "translations")]
    )
    # Every session of this app validates events against this app's registry.
    app.extensions["sinergi.db"].session_factory.configure(info={"sinergi.events": registry})
    return host


def _register_plugin_blueprints(app: Flask, host: PluginHost) -> None:
    """Mount plugin blueprints: smorest ones under /api/v1 (documented), others as pages."""
    from flask_smorest import Blueprint as ApiBlueprint

    api = app.extensions["sinergi.api"]
    for name, blueprints in host.call("register_blueprints"):
        try:
            for blueprint in blueprints:
                if isinstance(blueprint, ApiBlueprint):
                    api.register_blueprint(
                        blueprint, url_prefix=f"/api/v1{blueprint.url_prefix or ''}"
                    )
                else:
                    app.register_blueprint(blueprint)
        except Exception as exc:  # noqa: BLE001 - a broken blueprint fails only its plugin
            host.fail(host.plugins[name], "register_blueprints", exc)


def _init_web_foundation(app: Flask) -> None:
    from core.accounts.passwords import configure_hasher
    from core.accounts.sessions import DatabaseSessionInterface
    from core.i18n import init_i18n
    from core.ratelimit import init_ratelimit
    from core.web.auth import check_csrf, load_current_principal

    app.session_interface = DatabaseSessionInterface(
        app.extensions["sinergi.db"],
        lifetime=dt.timedelta(hours=float(app.config["SESSION_LIFETIME_HOURS"])),
    )
    init_i18n(app)
    init_ratelimit(app)
    configure_hasher(int(app.config["ARGON2_TIME_COST"]), int(app.config["ARGON2_MEMORY_KIB"]),
                     int(app.config["ARGON2_PARALLELISM"]))
    from core.audit import init_audit

    app.before_request(_declare_writes)
    app.before_request(load_current_principal)
    app.before_request(check_csrf)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    init_audit(app)
    app.teardown_request(_touch_token)
    hops = int(app.config["TRUSTED_PROXY_COUNT"])
    if hops < 0:
        raise ConfigError("trusted_proxy_count must be 0 (no proxy) or more.")
    if hops > 0:
        # Behind ``hops`` reverse proxies: the client address and scheme come from the
        # X-Forwarded-For/-Proto values that those proxies added; what a client sent itself is
        # ignored. The Host header is the proxy's to pass on (X-Forwarded-Host is not read).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)


def _declare_writes() -> None:
    """Requests that may write open a write transaction first (SQLite: BEGIN IMMEDIATE)."""
    if request.method in WRITE_METHODS:
        mark_writer(app_db().session())


def _touch_token(_exc: BaseException | None = None) -> None:
    """teardown_request: note when an API token was last used (at most once a minute)."""
    if g.get("auth_method") != "token":
        return
    from core.accounts.services import token_touch_due, touch_token
    from core.web.auth import bearer_token

    secret = bearer_token()
    if secret is None or not token_touch_due(secret):
        return
    db = app_db()
    try:
        db.session.rollback()  # end the request's transaction (and its SQLite write lock)
        with db.begin() as session:
            touch_token(session, secret)
    except Exception:  # noqa: BLE001 - bookkeeping must never fail a request
        log.exception("could not update the token's last_used_at")


def csp_nonce() -> str:
    """This request's Content-Security-Policy nonce (``<script nonce="{{ csp_nonce() }}">``)."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


#: The policy of every page; ``{nonce}`` is the request's nonce.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'nonce-{nonce}'; "
    "script-src 'self' 'nonce-{nonce}'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'"
)
#: The API docs page (Swagger UI, served from /static/vendor): its own scripts only, plus the
#: inline styles that Swagger UI sets on its elements; requests go to this site only.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'nonce-{nonce}'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'"
)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    policy = (DOCS_CONTENT_SECURITY_POLICY if request.path.startswith("/api/docs")
              else CONTENT_SECURITY_POLICY)
    response.headers.setdefault("Content-Security-Policy", policy.format(nonce=csp_nonce()))
    max_age = int(current_app.config["HSTS_MAX_AGE"])
    if request.is_secure and max_age > 0:
        response.headers.setdefault("Strict-Transport-Security",
                                    f"max-age={max_age}; includeSubDomains")
    if g.get("principal") is not None or request.cookies:
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def _init_api(app: Flask) -> None:
    from core.accounts.admin_api import blp as admin_blp
    from core.api.setup import init_api

    init_api(app)
    app.extensions["sinergi.api"].register_blueprint(admin_blp, url_prefix="/api/v1/admin")


def _init_pages(app: Flask) -> None:
    from core.web import admin_pages  # noqa: F401 - adds the admin pages to ``web``
    from core.web.setup import init_pages

    init_pages(app)
    app.add_url_rule("/healthz", "healthz", _healthz)


def _healthz() -> tuple[dict[str, Any], int]:
    """Liveness and readiness for load balancers: the database answers (one statement)."""
    from sqlalchemy import text

    try:
        app_db().session().execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means not ready
        return {"status": "unavailable", "database": False}, 503
    return {"status": "ok", "database": True}, 200
