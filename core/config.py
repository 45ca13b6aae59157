"""Configuration: TOML files in ``config/`` layered with ``SINERGI_*`` environment variables.

Order (later wins): ``config/default.toml``, ``config/<env>.toml``, the file named by
``SINERGI_CONFIG``, ``SINERGI_<KEY>`` environment variables, explicit overrides passed to
:func:`core.app.create_app`.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"
ENV_PREFIX = "SINERGI_"


class ConfigError(RuntimeError):
    """Raised when the configuration is invalid or unsafe for the chosen environment."""


def config_dir() -> Path:
    """Folder holding the TOML configuration files."""
    return Path(os.environ.get("SINERGI_CONFIG_DIR", PROJECT_ROOT / "config"))


def _read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _coerce(raw: str, like: Any) -> Any:
    """Turn an environment string into the type of the default value it overrides."""
    if isinstance(like, bool):
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"expected a boolean, got {raw!r}")
    if isinstance(like, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"expected an integer, got {raw!r}") from exc
    if isinstance(like, float):
        return float(raw)
    if isinstance(like, list):
        raw = raw.strip()
        if raw.startswith("["):
            return json.loads(raw)
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(like, dict):
        return json.loads(raw)
    return raw


def load_settings(
    env: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return the merged settings as a dict with lower-case keys."""
    environ = os.environ if environ is None else environ
    folder = config_dir()
    settings = _read_toml(folder / "default.toml")
    extra_path = environ.get("SINERGI_CONFIG")
    extra = _read_toml(Path(extra_path)) if extra_path else {}
    # The file named by SINERGI_CONFIG may choose the environment (production.example.toml does).
    env = env or environ.get("SINERGI_ENV") or extra.get("env") or settings.get("env",
                                                                                "development")
    env_file = folder / f"{env}.toml"
    if env_file.exists():
        settings.update(_read_toml(env_file))
    settings.update(extra)
    settings["env"] = env
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name in {"SINERGI_CONFIG", "SINERGI_CONFIG_DIR"}:
            continue
        key = name[len(ENV_PREFIX):].lower()
        if "__" in key:
            _set_nested(settings, key.split("__"), value)
            continue
        try:
            settings[key] = _coerce(value, settings.get(key, ""))
        except ConfigError as exc:
            raise ConfigError(f"{name}: {exc}") from exc
    if overrides:
        settings.update({k.lower(): v for k, v in overrides.items()})
    return settings


def _set_nested(settings: dict[str, Any], path: list[str], value: str) -> None:
    """``SINERGI_PLUGINS__MATCHMAKING__TOP_N=5`` sets ``settings["plugins"]["matchmaking"]
    ["top_n"]``; the plugin's config schema converts the string."""
    target = settings
    for part in path[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise ConfigError(f"SINERGI_{'__'.join(path).upper()}: {part} is not a section")
    target[path[-1]] = value


def resolve_paths(settings: dict[str, Any]) -> dict[str, Any]:
    """Fill in the instance folder, the database URL and the broker URL when left empty."""
    instance = Path(settings.get("instance_path") or PROJECT_ROOT / "instance").resolve()
    settings["instance_path"] = str(instance)
    if not settings.get("database_url"):
        settings["database_url"] = f"sqlite:///{instance / 'sinergi.db'}"
    if not settings.get("broker_url"):
        settings["broker_url"] = "filesystem://"
    return settings


def check_safety(settings: Mapping[str, Any]) -> None:
    """Refuse configurations that must never run in production."""
    if settings.get("env") != "production":
        return
    if settings.get("secret_key") in {DEFAULT_SECRET_KEY, "", None}:
        raise ConfigError(
            "Refusing to start in production with the default secret key: set SINERGI_SECRET_KEY."
        )
    if len(str(settings["secret_key"])) < 32:
        raise ConfigError("SINERGI_SECRET_KEY must be at least 32 characters in production.")
    if settings.get("debug"):
        raise ConfigError("Refusing to start in production with debug mode on.")


def to_flask_config(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Map settings to Flask config keys (upper case), plus Flask's own names."""
    config = {key.upper(): value for key, value in settings.items() if key != "plugins"}
    config["SINERGI_SETTINGS"] = dict(settings)
    config["SECRET_KEY"] = settings["secret_key"]
    config["MAX_CONTENT_LENGTH"] = int(settings["max_content_length"])
    config["TESTING"] = settings["env"] == "test"
    config["DEBUG"] = bool(settings.get("debug", False))
    config["SESSION_COOKIE_SECURE"] = bool(settings["session_cookie_secure"])
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    return config
