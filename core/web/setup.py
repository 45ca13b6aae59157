"""Register the pages, their filters and the template context every page shares."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import get_locale

from core import taxonomy
from core.plans.services import allowed_actions
from core.web import labels
from core.web.auth import csrf_token, current_principal
from core.web.formatting import init_filters
from core.web.forms import FormErrors
from core.web.guards import screen_page_input
from core.web.listing import lang_url, url_with
from core.web.nav import nav_links
from core.web.slots import render_slot


def _template_context() -> dict[str, Any]:
    principal = current_principal()
    return {
        "principal": principal,
        "csrf_token": csrf_token,
        "current_locale": str(get_locale()),
        "nav_links": nav_links(principal),
        "taxonomy": taxonomy,
        "labels": labels,
        "request_path": request.path,
        "lang_url": lang_url,
        "url_with": url_with,
        "plan_actions": lambda plan: allowed_actions(principal, plan),
        "no_errors": FormErrors(),
        "slot": render_slot,
    }


def init_pages(app: Flask) -> None:
    # Importing the page modules adds their routes to the ``web`` blueprint.
    from core.web import (  # noqa: F401
        account_pages,
        dashboard_pages,
        org_pages,
        plan_pages,
        region_pages,
    )
    from core.web.pages import blp

    app.before_request(screen_page_input)
    app.register_blueprint(blp)
    app.context_processor(_template_context)
    init_filters(app)
