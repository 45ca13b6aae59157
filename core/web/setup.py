"""Register the pages and the template context every page shares."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import get_locale

from core import taxonomy
from core.web.auth import csrf_token, current_principal
from core.web.nav import nav_links


def _template_context() -> dict[str, Any]:
    return {
        "principal": current_principal(),
        "csrf_token": csrf_token,
        "current_locale": str(get_locale()),
        "nav_links": nav_links(current_principal()),
        "taxonomy": taxonomy,
        "request_path": request.path,
    }


def init_pages(app: Flask) -> None:
    from core.web.pages import blp

    app.register_blueprint(blp)
    app.context_processor(_template_context)
