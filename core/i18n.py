"""Language selection: Bahasa Indonesia by default, English on request.

Pages: ``?lang=`` (remembered in a cookie), then the cookie, then the user's saved language,
then the default. The API: ``Accept-Language`` among the supported languages, then the default.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel

LANG_COOKIE = "sinergi_lang"


def supported_locales() -> list[str]:
    return list(current_app.config["LOCALES"])


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def select_locale() -> str:
    """The locale for this request (see module docstring); the default outside a request
    (command line, workers)."""
    default = current_app.config["DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if is_api_request():
        if "HTTP_ACCEPT_LANGUAGE" not in request.environ:
            return default  # nothing to parse
        return request.accept_languages.best_match(supported_locales()) or default
    locales = supported_locales()
    wanted = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if wanted in locales:
        return wanted
    principal = getattr(g, "principal", None)
    if principal is not None and principal.locale in locales:
        return principal.locale
    return default


def remember_locale(response):
    """Keep ``?lang=`` in a cookie so the choice sticks across pages."""
    wanted = request.args.get("lang")
    if wanted and wanted in supported_locales() and not is_api_request():
        response.set_cookie(LANG_COOKIE, wanted, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response


def init_i18n(app: Flask) -> None:
    Babel(app, locale_selector=select_locale,
          default_translation_directories="translations",
          default_timezone=app.config.get("TIMEZONE", "Asia/Jakarta"))
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.after_request(remember_locale)
