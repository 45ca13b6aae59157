"""docs/events.md catalogues every registered event type with all of its payload fields."""

from __future__ import annotations

import re
from pathlib import Path

from marshmallow import fields

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def _sections() -> dict[str, str]:
    """Text under each ``### <event type>`` heading, up to the next heading."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^#{2,3} (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _field_names(schema: type) -> set[str]:
    """Payload field names, nested ones (lists of objects) included."""
    names = set()
    for name, field in schema().fields.items():
        names.add(name)
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            names |= _field_names(type(inner.schema))
    return names


def test_every_registered_type_has_a_section(app) -> None:
    """Core's types and those of every built-in plugin (the suite enables them all)."""
    registry = app.extensions["sinergi.events"]
    sections = _sections()
    missing = [t.type for t in registry if t.type not in sections]
    assert not missing, f"docs/events.md lacks a '### <type>' section for: {missing}"


def test_every_payload_field_is_documented(app) -> None:
    registry = app.extensions["sinergi.events"]
    text = DOC.read_text(encoding="utf-8")
    for event_type in registry:
        missing = sorted(n for n in _field_names(event_type.schema) if f"`{n}`" not in text)
        assert not missing, f"{event_type.type}: fields not in docs/events.md: {missing}"


def test_documented_types_are_registered(app) -> None:
    registry = app.extensions["sinergi.events"]
    documented = [h for h in _sections() if re.fullmatch(r"sinergi\.\w+\.\w+", h)]
    stale = [name for name in documented if name not in registry]
    assert not stale, f"docs/events.md documents unregistered types: {stale}"
