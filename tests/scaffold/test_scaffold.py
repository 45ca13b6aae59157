"""`sinergi plugin new NAME` writes a package that installs, loads and passes its own tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli import main
from core.scaffold.generator import ScaffoldError, generate

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_generates_every_part(tmp_path):
    result = CliRunner().invoke(main, ["plugin", "new", "halo", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    package = tmp_path / "sinergi-halo"
    expected = [
        "pyproject.toml", "README.md", "sinergi_halo/__init__.py", "sinergi_halo/api.py",
        "sinergi_halo/pages.py", "sinergi_halo/handlers.py", "sinergi_halo/models.py",
        "sinergi_halo/services.py", "sinergi_halo/templates/halo/index.html",
        "sinergi_halo/migrations/versions/0001_halo.py",
        "sinergi_halo/translations/id/LC_MESSAGES/messages.po",
        "sinergi_halo/translations/id/LC_MESSAGES/messages.mo", "tests/test_halo.py",
    ]
    for name in expected:
        assert (package / name).is_file(), name
    assert 'halo = "sinergi_halo"' in (package / "pyproject.toml").read_text()
    assert "{{" not in (package / "sinergi_halo" / "__init__.py").read_text()
    lint = subprocess.run([str(BIN / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"),
                           str(package)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout


@pytest.mark.parametrize("bad", ["Halo", "1x", "x", "core", "a-b", "plugins"])
def test_refuses_bad_names(tmp_path, bad):
    with pytest.raises(ScaffoldError):
        generate(bad, tmp_path)
    result = CliRunner().invoke(main, ["plugin", "new", bad, "--dir", str(tmp_path)])
    assert result.exit_code != 0


def test_refuses_an_existing_folder(tmp_path):
    generate("halo", tmp_path)
    with pytest.raises(ScaffoldError, match="already exists"):
        generate("halo", tmp_path)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SINERGI_") and not k.startswith("PYTEST")}
    env.update(SINERGI_ENV="test", SINERGI_INSTANCE_PATH=str(tmp_path / "instance"),
               SINERGI_DATABASE_URL=f"sqlite:///{tmp_path / 'scaffold.db'}")
    return env


def test_generated_plugin_installs_loads_and_passes_its_tests(tmp_path):
    """The path an integrator takes: generate, pip install, migrate, list, run its tests."""
    package = generate("halo_ci", tmp_path)
    pip = [str(BIN / "python"), "-m", "pip"]
    install = subprocess.run([*pip, "install", "-q", "--no-deps", "-e", str(package)],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    try:
        env = _env(tmp_path)
        sinergi = str(BIN / "sinergi")
        upgrade = subprocess.run([sinergi, "db", "upgrade"], env=env, capture_output=True,
                                 text=True, timeout=120)
        assert upgrade.returncode == 0, upgrade.stderr
        listed = subprocess.run([sinergi, "plugins", "--json"], env=env, capture_output=True,
                                text=True, timeout=120)
        rows = {row["name"]: row for row in json.loads(listed.stdout)}
        assert rows["halo_ci"]["state"] == "enabled", rows["halo_ci"]
        assert rows["halo_ci"]["pending_migrations"] == []
        tests = subprocess.run(
            [str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=package, env=env, capture_output=True, text=True, timeout=300,
        )
        assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
        assert "3 passed" in tests.stdout
    finally:
        subprocess.run([*pip, "uninstall", "-y", "-q", "sinergi-halo-ci"],
                       capture_output=True, timeout=120)
