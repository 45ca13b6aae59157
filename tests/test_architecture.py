"""The house rules, checked: core never imports a plugin; plugins import only ``core.plugin``
from core, and never another plugin."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _python_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if "migrations" not in p.parts]


def test_core_never_imports_plugins():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _python_files(ROOT / "core")
        for name in _imports(path)
        if name == "plugins" or name.startswith("plugins.")
    ]
    assert offenders == []


def test_plugins_import_only_the_plugin_api_and_themselves():
    offenders = []
    for plugin_dir in sorted(p for p in (ROOT / "plugins").iterdir() if p.is_dir()):
        own = f"plugins.{plugin_dir.name}"
        for path in _python_files(plugin_dir):
            for name in _imports(path):
                if name.startswith("core") and not (
                    name == "core.plugin" or name.startswith("core.plugin.")
                ):
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
                if name.startswith("plugins.") and not (name == own or name.startswith(own + ".")):
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_the_rule_checker_sees_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import core.db\nfrom core.plans import services\nfrom .a import b\n")
    assert _imports(sample) == ["core.db", "core.plans"]
