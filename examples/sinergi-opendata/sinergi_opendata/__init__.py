"""Open data exports and regional statistics: a third-party Sinergi plugin."""

from __future__ import annotations

from markupsafe import Markup

from core.plugin import NavItem, _, _l, hookimpl

SINERGI_API_VERSION = "1"


@hookimpl
def register_blueprints():
    from sinergi_opendata.api import blp as api
    from sinergi_opendata.pages import blp as pages

    return [pages, api]


@hookimpl
def nav_items(principal):
    return [NavItem(_l("Open data"), "/opendata/", order=85)]


@hookimpl
def page_slot(slot, context):
    if slot != "region":
        return None
    return Markup('<p class="opendata-link"><a href="/api/v1/opendata/regions?code={0}">{1}</a>'
                  "</p>").format(context["region_code"], _("This region as open data (JSON)"))
