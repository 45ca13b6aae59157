"""Navigation links of the layout; plugins add theirs through the ``nav_items`` hook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from core.accounts.principal import Principal
from core.web.slots import plugin_nav_items


@dataclass(frozen=True)
class NavLink:
    label: Any
    endpoint: str = ""
    order: int = 100
    href: str = ""

    @property
    def url(self) -> str:
        return self.href or url_for(self.endpoint)

    def current(self, path: str) -> str | None:
        """The ``aria-current`` value for this link on ``path``: ``page`` on the link's own
        page, ``true`` on a page below it, else None."""
        url = self.url
        if path == url:
            return "page"
        if url != "/" and path.startswith(url.rstrip("/") + "/"):
            return "true"
        return None


def nav_links(principal: Principal | None) -> list[NavLink]:
    links = [
        NavLink(_l("Regions"), "web.regions", 10),
        NavLink(_l("Organisations"), "web.organisations", 20),
        NavLink(_l("Master plans"), "web.plans", 30),
    ]
    if principal is not None:
        links.insert(0, NavLink(_l("Dashboard"), "web.dashboard", 0))
        if principal.is_admin:
            links.append(NavLink(_l("Administration"), "web.admin_users", 90))
    links.extend(
        NavLink(item.label, order=item.order, href=item.url)
        for item in plugin_nav_items(principal)
    )
    return sorted(links, key=lambda link: link.order)
