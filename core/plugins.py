"""The plugin host: discovery through entry points, the enabled list, isolation, introspection.

Internal to core. Plugins never import this module; they implement the hooks of
``core.plugin.hookspecs`` and import helpers from ``core.plugin`` only.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import traceback
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

import pluggy
from marshmallow import ValidationError

from core.events.registry import EventRegistry
from core.plugin import API_VERSION, hookspecs
from core.plugin.types import Handler, Permission

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "sinergi.plugins"
PROJECT_NAME = "sinergi"


class PluginError(RuntimeError):
    """A plugin failed while strict mode is on."""


@dataclass
class PluginState:
    """What the host knows about one installed plugin."""

    name: str
    module_path: str
    version: str = ""
    enabled: bool = False
    state: str = "disabled"  # enabled | disabled | failed
    error: str = ""
    failed_in: str = ""
    module: ModuleType | None = None
    hooks: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)
    unresolved_events: list[str] = field(default_factory=list)
    migrations: str | None = None
    config: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "module": self.module_path,
            "version": self.version,
            "state": self.state,
            "error": self.error or None,
            "failed_in": self.failed_in or None,
            "hooks": list(self.hooks),
            "event_types": list(self.event_types),
            "handlers": list(self.handlers),
            "unresolved_events": list(self.unresolved_events),
            "migrations": self.migrations,
        }


@dataclass(frozen=True)
class BoundHandler:
    """A handler together with its plugin and its queue name."""

    plugin: str
    handler: Handler

    @property
    def key(self) -> str:
        return f"{self.plugin}.{self.handler.name}"

    @property
    def queue(self) -> str:
        return f"sinergi.handler.{self.key}"


def _split_module_spec(spec: str) -> tuple[str, str]:
    """``"name=pkg.module"`` → (name, path); ``"pkg.module"`` → ("module", path)."""
    if "=" in spec:
        name, _, path = spec.partition("=")
        return name.strip(), path.strip()
    return spec.rsplit(".", 1)[-1], spec


def _hookimpl_names(module: ModuleType) -> list[str]:
    """Names of the module's functions marked with ``core.plugin.hookimpl``."""
    return sorted(
        name for name, value in vars(module).items()
        if isinstance(value, FunctionType) and hasattr(value, "sinergi_impl")
    )


def _api_compatible(declared: Any) -> bool:
    """A plugin targets a major API version: "1" or "1.x" are compatible with API 1.y."""
    if declared is None:
        return False
    return str(declared).split(".")[0] == API_VERSION.split(".")[0]


class PluginHost:
    """Loads the enabled plugins of one application and calls their hooks in isolation."""

    def __init__(self, settings: dict[str, Any], registry: EventRegistry):
        self.settings = settings
        self.strict = bool(settings.get("plugins_strict", False))
        self.registry = registry
        self.pm = pluggy.PluginManager(PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginState] = {}
        self.order: list[str] = []
        self.handlers: list[BoundHandler] = []
        self.permissions: dict[str, Permission] = {}

    # ------------------------------------------------------------ discovery and loading

    def discover(self) -> dict[str, PluginState]:
        """Installed plugins: the entry point group plus ``plugin_modules`` from config."""
        found: dict[str, PluginState] = {}
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            version = ep.dist.version if ep.dist else ""
            found[ep.name] = PluginState(ep.name, ep.value, version=version)
        for spec in self.settings.get("plugin_modules", []) or []:
            name, path = _split_module_spec(spec)
            found[name] = PluginState(name, path, version="local")
        return found

    def enabled_names(self, installed: dict[str, PluginState]) -> list[str]:
        """The configured order: ``enabled_plugins`` (``*`` = every installed plugin by name),
        minus ``disabled_plugins``; extra ``plugin_modules`` come last in listed order."""
        wanted = list(self.settings.get("enabled_plugins", ["*"]))
        disabled = set(self.settings.get("disabled_plugins", []) or [])
        extras = [
            _split_module_spec(spec)[0] for spec in self.settings.get("plugin_modules", []) or []
        ]
        names: list[str] = []
        for item in wanted:
            if item == "*":
                names.extend(sorted(n for n in installed if n not in extras))
            else:
                names.append(item)
        names.extend(extras)
        seen: set[str] = set()
        return [n for n in names if not (n in seen or seen.add(n)) and n not in disabled]

    def load(self) -> None:
        """Import and register every enabled plugin; failures are recorded, not raised
        (unless strict)."""
        installed = self.discover()
        self.plugins = installed
        for name in self.enabled_names(installed):
            state = installed.get(name)
            if state is None:
                state = installed[name] = PluginState(name, "")
                self.fail(state, "load", f"plugin {name!r} is enabled but not installed")
                continue
            state.enabled = True
            self._load_one(state)

    def _load_one(self, state: PluginState) -> None:
        try:
            module = importlib.import_module(state.module_path)
        except Exception as exc:  # noqa: BLE001 - any import error marks the plugin failed
            self.fail(state, "import", exc)
            return
        declared = getattr(module, "SINERGI_API_VERSION", None)
        if not _api_compatible(declared):
            self.fail(
                state, "load",
                f"plugin declares SINERGI_API_VERSION={declared!r}; this Sinergi provides plugin "
                f"API {API_VERSION} (declare \"{API_VERSION.split('.')[0]}\" to target it)",
            )
            return
        implemented = _hookimpl_names(module)
        unknown = [attr for attr in implemented if not hasattr(self.pm.hook, attr)]
        if unknown:
            self.fail(state, "load", f"unknown hook(s): {', '.join(sorted(unknown))}")
            return
        try:
            self.pm.register(module, name=state.name)
        except Exception as exc:  # noqa: BLE001 - pluggy validation errors
            self.fail(state, "register", exc)
            return
        state.module = module
        state.state = "enabled"
        state.hooks = implemented
        self.order.append(state.name)
        self._validate_config(state)

    def _validate_config(self, state: PluginState) -> None:
        raw = (self.settings.get("plugins") or {}).get(state.name, {})
        schema_cls = self.call_one(state.name, "config_schema")
        if state.state != "enabled":
            return
        if schema_cls is None:
            state.config = dict(raw)
            return
        try:
            state.config = schema_cls().load(raw)
        except ValidationError as exc:
            self.fail(state, "config", f"invalid [plugins.{state.name}]: {exc.messages}")

    def fail(self, state: PluginState, where: str, error: Any) -> None:
        detail = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        state.state = "failed"
        state.error = detail
        state.failed_in = where
        if state.module is not None and self.pm.is_registered(state.module):
            self.pm.unregister(state.module)
        if state.name in self.order:
            self.order.remove(state.name)
        log.error("plugin %s failed in %s: %s", state.name, where, detail)
        if not isinstance(error, str):
            log.debug("".join(traceback.format_exception(error)))
        if self.strict:
            raise PluginError(f"plugin {state.name} failed in {where}: {detail}") from (
                error if isinstance(error, BaseException) else None
            )

    # ------------------------------------------------------------ calling hooks

    def active(self) -> list[PluginState]:
        return [self.plugins[n] for n in list(self.order) if self.plugins[n].state == "enabled"]

    def call_one(self, name: str, hook: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of ``hook`` (None if it has none or it failed)."""
        state = self.plugins[name]
        if state.state != "enabled" or state.module is None:
            return None
        func = getattr(state.module, hook, None)
        if func is None or getattr(func, "sinergi_impl", None) is None:
            return None
        impls = [i for i in getattr(self.pm.hook, hook).get_hookimpls() if i.plugin is state.module]
        if not impls:
            return None
        impl = impls[0]
        try:
            return impl.function(*[kwargs[arg] for arg in impl.argnames])
        except Exception as exc:  # noqa: BLE001 - isolation: one plugin must not hurt others
            self.fail(state, hook, exc)
            return None

    def call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on every active plugin in configured order; (plugin, result) pairs
        for implementations that returned something other than None."""
        results = []
        for state in self.active():
            result = self.call_one(state.name, hook, **kwargs)
            if result is not None and self.plugins[state.name].state == "enabled":
                results.append((state.name, result))
        return results

    # ------------------------------------------------------------ registration steps

    def register_event_types(self) -> None:
        for name, types in self.call("register_event_types"):
            state = self.plugins[name]
            try:
                for event_type in types:
                    self.registry.register(event_type)
                    state.event_types.append(event_type.type)
            except Exception as exc:  # noqa: BLE001
                self.fail(state, "register_event_types", exc)

    def register_handlers(self) -> None:
        for name, handlers in self.call("register_event_handlers"):
            state = self.plugins[name]
            bound = []
            try:
                for handler in handlers:
                    if not handler.events or not callable(handler.func):
                        raise ValueError(f"handler {handler.name!r} needs event types and a func")
                    # A type that no enabled plugin registers is allowed (its publisher may be
                    # absent: plugins stay loosely coupled) but is shown as unresolved.
                    state.unresolved_events.extend(
                        t for t in handler.events
                        if "*" not in t and "#" not in t
                        and t not in self.registry and t not in state.unresolved_events
                    )
                    bound.append(BoundHandler(name, handler))
            except Exception as exc:  # noqa: BLE001
                self.fail(state, "register_event_handlers", exc)
                continue
            self.handlers.extend(bound)
            state.handlers = [b.key for b in bound]

    def register_permissions(self) -> None:
        for name, permissions in self.call("register_permissions"):
            for permission in permissions:
                if not permission.name.startswith(f"{name}."):
                    self.fail(self.plugins[name], "register_permissions",
                               f"permission {permission.name!r} must start with '{name}.'")
                    break
                self.permissions[permission.name] = permission

    def migration_dirs(self) -> dict[str, str]:
        dirs = {}
        for name, path in self.call("register_migrations"):
            if Path(path).is_dir():
                dirs[name] = str(path)
                self.plugins[name].migrations = str(path)
            else:
                self.fail(self.plugins[name], "register_migrations",
                           f"migrations folder {path} does not exist")
        return dirs

    def dormant_migration_dirs(self) -> list[str]:
        """``<package>/migrations/versions`` of installed plugins that are not enabled, found
        without importing them, so databases they migrated earlier still resolve."""
        dirs = []
        for state in self.plugins.values():
            if state.state == "enabled" or not state.module_path:
                continue
            try:
                spec = importlib.util.find_spec(state.module_path)
            except (ImportError, ValueError):
                continue
            for location in (spec.submodule_search_locations or []) if spec else []:
                folder = Path(location) / "migrations" / "versions"
                if folder.is_dir():
                    dirs.append(str(folder))
        return dirs

    def translation_dirs(self) -> list[str]:
        dirs = []
        for state in self.active():
            if state.module is not None and getattr(state.module, "__file__", None):
                folder = Path(state.module.__file__).parent / "translations"
                if folder.is_dir():
                    dirs.append(str(folder))
        return dirs

    def config_for(self, name: str) -> dict[str, Any]:
        state = self.plugins.get(name)
        return dict(state.config) if state else {}

    def describe(self) -> list[dict[str, Any]]:
        """Introspection for ``sinergi plugins`` and ``GET /api/v1/plugins``."""
        return [self.plugins[n].as_dict() for n in sorted(self.plugins)]
