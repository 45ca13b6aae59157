"""Contributions to core pages: the region page links to its booth, the dashboard to the
officer's booth editor and the admin's moderation queue."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select

from core.plugin import _, db_session
from plugins.exhibition.models import Booth
from plugins.exhibition.services import booth_status, can_edit, find_booth


def render_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    principal = context.get("principal")
    if slot == "region":
        code = context["region_code"]
        booth = find_booth(db_session(), code)
        if booth is not None and booth.live:
            return Markup('<p class="ex-slot"><a class="button button-secondary" '
                          'href="/pameran/{0}">{1}</a></p>').format(
                code, _("Visit the booth in the virtual exhibition"))
        if can_edit(principal, code):
            return Markup('<p class="ex-slot"><a href="/pameran/{0}/kelola">{1}</a></p>').format(
                code, _("Prepare the region's booth for the virtual exhibition"))
        return None
    if slot == "dashboard" and principal is not None:
        parts = []
        for code in sorted(principal.region_codes):
            status = booth_status(find_booth(db_session(), code))
            parts.append(Markup('<li><a href="/pameran/{0}/kelola">{1}</a> ({2})</li>').format(
                code, _("Exhibition booth of %(code)s", code=code), _status_label(status)))
        if principal.is_admin:
            waiting = db_session().scalar(
                select(func.count()).select_from(Booth).where(Booth.state == "submitted")) or 0
            parts.append(Markup('<li><a href="/pameran/moderasi">{0}</a></li>').format(
                _("Exhibition moderation: %(n)d waiting", n=waiting)))
        if parts:
            return Markup('<section class="section card ex-slot"><h2>{0}</h2><ul>{1}</ul>'
                          '</section>').format(_("Virtual exhibition"), Markup("").join(parts))
    return None


def _status_label(status: str) -> str:
    return {
        "none": _("No booth yet"), "draft": _("Draft"), "submitted": _("Waiting for review"),
        "published": _("Published"), "rejected": _("Rejected"), "unpublished": _("Unpublished"),
    }.get(status, status)
