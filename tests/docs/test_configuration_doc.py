"""docs/configuration.md documents every configuration key, and only keys that exist."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"
DEFAULTS = ROOT / "config" / "default.toml"

#: Documented on purpose although not in default.toml (read with a default in the code).
EXTRA_KEYS = {"debug"}


def _default_keys() -> set[str]:
    with DEFAULTS.open("rb") as fh:
        return set(tomllib.load(fh))


def _documented_rows() -> dict[str, str]:
    """Key → table row, for the rows of the key tables (first cell is a `key`)."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*`([a-z0-9_]+)`\s*\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_every_default_key_is_documented_with_its_variable() -> None:
    rows = _documented_rows()
    missing = sorted(_default_keys() - set(rows))
    assert not missing, f"docs/configuration.md lacks a row for: {', '.join(missing)}"
    for key in _default_keys():
        assert f"`SINERGI_{key.upper()}`" in rows[key], f"{key}: env variable not named"


def test_no_documented_key_is_stale() -> None:
    stale = sorted(set(_documented_rows()) - _default_keys() - EXTRA_KEYS)
    assert not stale, f"docs/configuration.md documents keys that do not exist: {stale}"


def test_documented_defaults_match_default_toml() -> None:
    """The Default column shows the value of config/default.toml (as TOML)."""
    with DEFAULTS.open("rb") as fh:
        defaults = tomllib.load(fh)
    rows = _documented_rows()
    for key, value in defaults.items():
        cells = [c.strip() for c in rows[key].strip("|").split("|")]
        shown = cells[2].strip("`")
        assert tomllib.loads(f"v = {shown}")["v"] == value, (key, shown, value)
