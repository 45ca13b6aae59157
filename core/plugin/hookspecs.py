"""Hook specifications: every hook a Sinergi plugin can implement.

This module holds only specifications (signatures and docstrings), in the style of Datasette's
``hookspecs.py``. Implement a hook by writing a function with the same name, decorated with
``core.plugin.hookimpl``, in your plugin module. You may accept fewer arguments than the
specification lists (pluggy passes only those you name).

Call order: implementations run in the configured plugin order (``plugins`` in the config),
first plugin first. Each implementation is called in isolation: an exception marks that plugin
failed (strict mode: raises) and the others still run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint, Flask
    from marshmallow import Schema
    from sqlalchemy.orm import Session

    from core.plugin.types import DemoContext, EventType, Handler, NavItem, Permission, Principal

hookspec = pluggy.HookspecMarker("sinergi")


@hookspec
def register_blueprints() -> list[Blueprint]:
    """Return Flask blueprints to register.

    A ``flask_smorest.Blueprint`` is an API blueprint: it is mounted under ``/api/v1`` (plus
    its own ``url_prefix``) and documented in the OpenAPI document. Any other ``flask.Blueprint``
    is a page blueprint mounted at its ``url_prefix``; its templates may extend ``base.html``.
    """


@hookspec
def register_migrations() -> str | None:
    """Return the path of the plugin's Alembic ``versions`` folder, or None.

    The plugin's revisions form their own branch, labelled with the plugin name. Plugin tables
    must be prefixed with ``<plugin name>_`` so ``sinergi db revision --plugin NAME`` can tell
    them apart. Models subclass ``core.plugin.Model``.
    """


@hookspec
def register_event_types() -> list[EventType]:
    """Return the event types this plugin publishes (``sinergi.<aggregate>.<verb>``), each with
    the marshmallow schema of its ``data``. Publishing an unregistered type is an error."""


@hookspec
def register_event_handlers() -> list[Handler]:
    """Return event handlers. Each gets its own durable queue bound to the types it subscribes
    to and runs in a worker process, never inline with the request, inside a database
    transaction together with an idempotency record: a redelivered event applies once."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``sinergi`` command line (``cli.add_command``)."""


@hookspec
def nav_items(principal: Principal | None) -> list[NavItem]:
    """Return navigation links for the main menu, for this viewer (None when anonymous)."""


@hookspec
def page_slot(slot: str, context: dict[str, Any]) -> Any:
    """Return HTML (a ``markupsafe.Markup``) to insert into a named place of a core page, or
    None. Slots: ``dashboard`` (context: principal), ``region`` (context: region_code,
    principal), ``organisation`` (context: organisation_id, principal), ``plan`` (context:
    plan_id, principal)."""


@hookspec
def config_schema() -> type[Schema] | None:
    """Return a marshmallow Schema for the plugin's configuration section
    ``[plugins.<name>]``. It is validated at start-up; read the result with
    ``core.plugin.plugin_config(name)``."""


@hookspec
def register_permissions() -> list[Permission]:
    """Return the actions this plugin defines, with who may perform them by default."""


@hookspec
def permission_allowed(principal: Principal | None, action: str, resource: Any) -> bool | None:
    """Decide whether ``principal`` may perform ``action`` on ``resource``: True, False, or
    None to leave the decision to others (and finally to the action's default roles)."""


@hookspec
def load_demo_data(session: Session, context: DemoContext) -> None:
    """Add the plugin's demo data through its own services, after core's demo data. Use
    ``context`` for the demo users and regions."""


@hookspec
def startup(app: Flask) -> None:
    """Called once when an application has been created and every plugin registered."""
