"""Generate a plugin package from the template tree beside this module."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "template"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
RESERVED = {"core", "plugins", "tests", "sinergi", "api", "static", "admin"}


class ScaffoldError(ValueError):
    """The name or the target folder cannot be used."""


@dataclass(frozen=True)
class PluginNames:
    """Every name the template needs, derived from the plugin name."""

    name: str

    @property
    def package(self) -> str:
        return f"sinergi_{self.name}"

    @property
    def distribution(self) -> str:
        return f"sinergi-{self.name.replace('_', '-')}"

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").title()

    def substitutions(self) -> dict[str, str]:
        return {
            "{{name}}": self.name,
            "{{package}}": self.package,
            "{{distribution}}": self.distribution,
            "{{title}}": self.title,
        }


def check_name(name: str) -> PluginNames:
    if not NAME_RE.match(name):
        raise ScaffoldError(
            "a plugin name is 2–31 characters: lower-case letters, digits and _, "
            "starting with a letter"
        )
    if name in RESERVED:
        raise ScaffoldError(f"{name!r} is reserved")
    return PluginNames(name)


def _render(text: str, names: PluginNames) -> str:
    for placeholder, value in names.substitutions().items():
        text = text.replace(placeholder, value)
    return text


def generate(name: str, parent: Path) -> Path:
    """Write the package ``<parent>/sinergi-<name>/``; returns its folder."""
    names = check_name(name)
    target = parent / names.distribution
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        relative = Path(_render(str(source.relative_to(TEMPLATE)), names))
        destination = target / relative.with_name(relative.name.removesuffix(".tmpl"))
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(_render(source.read_text(encoding="utf-8"), names),
                               encoding="utf-8")
    compile_catalogues(target)
    return target


def compile_catalogues(folder: Path) -> list[Path]:
    """Compile every ``messages.po`` below ``folder`` to ``messages.mo`` (what Babel reads)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in folder.rglob("messages.po"):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog)
        written.append(mo_path)
    return written
