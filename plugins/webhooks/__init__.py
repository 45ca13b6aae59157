"""Webhooks: an organisation's admins register URLs that receive the event stream over HTTP,
as signed CloudEvents, with retries, a delivery log and auto-disable (docs/webhooks.md)."""

from __future__ import annotations

from pathlib import Path

from core.plugin import Handler, NavItem, _l, hookimpl

SINERGI_API_VERSION = "1"


@hookimpl
def config_schema():
    from plugins.webhooks.config import WebhooksConfig

    return WebhooksConfig


@hookimpl
def register_migrations():
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def register_event_types():
    from plugins.webhooks.events import EVENT_TYPES

    return EVENT_TYPES


@hookimpl
def register_event_handlers():
    from plugins.webhooks import handlers
    from plugins.webhooks.events import DELIVERY_REQUESTED

    return [
        Handler("fan_out", ["sinergi.#"], handlers.fan_out,
                description="Write one delivery per webhook that should receive the event."),
        # Failed HTTP attempts are not raised (see handlers.py); the bus retries only work
        # items that arrived before they were due, hence the generous limit.
        Handler("send", [DELIVERY_REQUESTED], handlers.send, max_attempts=1000,
                description="POST one delivery attempt and log it; request the next one."),
    ]


@hookimpl
def register_blueprints():
    from plugins.webhooks.api import blp as api
    from plugins.webhooks.pages import bp as pages

    return [api, pages]


@hookimpl
def nav_items(principal):
    from plugins.webhooks.services import managed_organisations

    if principal is not None and (principal.is_admin or managed_organisations(principal)):
        return [NavItem(_l("Webhooks"), "/webhooks/", order=85)]
    return []


@hookimpl
def page_slot(slot, context):
    from plugins.webhooks.pages import organisation_slot

    if slot == "organisation":
        return organisation_slot(context)
    return None


@hookimpl
def register_commands(cli):
    from plugins.webhooks.cli import register

    register(cli)
