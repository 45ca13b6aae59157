"""A failing plugin is marked failed with its error; the app and the other plugins go on."""

from __future__ import annotations

import json
import threading

import pytest
from click.testing import CliRunner

from core.app import create_app
from core.cli import main
from core.events.worker import Worker
from core.plugins import PluginError
from tests.bus.conftest import RECORDER, bus_overrides, drain, effects

BROKEN = {
    "import_error": "ImportError: this plugin cannot be imported",
    "hook_error": "RuntimeError: blueprints exploded",
    "wrong_api": "SINERGI_API_VERSION='2'",
    "bad_config": "invalid [plugins.bad_config]",
    "typo_hook": "unknown hook(s): register_blueprint",
}


def _modules(*names: str) -> list[str]:
    return [f"{n}=tests.fixtures.broken_plugins.{n}" for n in names]


@pytest.fixture
def tolerant_app(app, tmp_path):
    overrides = bus_overrides(app, tmp_path, plugins_strict=False)
    overrides["plugin_modules"] = [RECORDER, *_modules(*BROKEN, "handler_error")]
    overrides["enabled_plugins"] = []  # built-ins stay installed (listed) but disabled
    return create_app(overrides, env="test")


def test_broken_plugins_are_marked_failed_and_app_serves(tolerant_app):
    host = tolerant_app.extensions["sinergi.plugins"]
    states = {p["name"]: p for p in host.describe()}
    for name, fragment in BROKEN.items():
        assert states[name]["state"] == "failed", name
        assert fragment in states[name]["error"], (name, states[name]["error"])
    assert states["recorder"]["state"] == "enabled"
    assert states["handler_error"]["state"] == "enabled"
    assert {"exhibition", "matchmaking", "evaluation"} <= set(states)
    client = tolerant_app.test_client()
    assert client.get("/api/v1/regions?kind=kota").json["total"] == 98
    assert client.get("/recorder/").status_code == 200
    assert client.get("/").status_code == 200


def test_strict_mode_makes_a_failure_fatal(app, tmp_path):
    overrides = bus_overrides(app, tmp_path, plugins_strict=True)
    overrides["plugin_modules"] = _modules("import_error")
    with pytest.raises(PluginError, match="import_error failed in import"):
        create_app(overrides, env="test")


def test_failing_handler_only_affects_its_own_queue(tolerant_app, factory):
    from core.migrate import upgrade
    from tests.bus.test_delivery import _submit_plan

    upgrade(tolerant_app)
    _submit_plan(tolerant_app, factory)
    drain(tolerant_app, seconds=20, until=lambda: len(effects(tolerant_app)) == 2
          and _dead(tolerant_app) == 2)
    assert set(effects(tolerant_app).values()) == {1}
    assert _dead(tolerant_app) == 2  # handler_error.explode for both events, after 3 attempts


def _dead(app) -> int:
    from core.events.admin import dead_deliveries

    with app.extensions["sinergi.db"].begin() as session:
        return len([d for d in dead_deliveries(session) if d.handler == "handler_error.explode"])


def test_cli_lists_plugins_with_failures(app, tmp_path, monkeypatch):
    monkeypatch.setenv("SINERGI_ENV", "test")
    monkeypatch.setenv("SINERGI_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("SINERGI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SINERGI_PLUGINS_STRICT", "false")
    monkeypatch.setenv("SINERGI_PLUGIN_MODULES", json.dumps([RECORDER, *_modules("hook_error")]))
    result = CliRunner().invoke(main, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["hook_error"]["state"] == "failed"
    assert "blueprints exploded" in rows["hook_error"]["error"]
    assert rows["recorder"]["handlers"] == ["recorder.record"]
    assert rows["recorder"]["hooks"] == [
        "config_schema", "load_demo_data", "nav_items", "page_slot", "register_blueprints",
        "register_commands", "register_event_handlers", "register_migrations",
    ]
    text = CliRunner().invoke(main, ["plugins"]).output
    assert "hook_error" in text and "[failed]" in text and "error in register_blueprints" in text


def test_worker_stops_on_request(tolerant_app):
    stop = threading.Event()
    stop.set()
    assert Worker(tolerant_app).run(stop)["handled"] == 0


def test_plugins_endpoint_is_for_admins(tolerant_app, factory):
    from core.migrate import upgrade

    upgrade(tolerant_app)
    client = tolerant_app.test_client()
    assert client.get("/api/v1/plugins").status_code == 401
    officer = factory.officer("32.73")
    assert client.get("/api/v1/plugins", headers=officer.headers).status_code == 403
    admin = factory.admin()
    response = client.get("/api/v1/plugins", headers=admin.headers)
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json}
    assert rows["import_error"]["state"] == "failed"
    assert rows["recorder"]["pending_migrations"] == []
    assert rows["recorder"]["event_types"] == []
    assert rows["recorder"]["handlers"] == ["recorder.record"]
    status = client.get("/api/v1/events/status", headers=admin.headers)
    assert status.status_code == 200 and "unpublished" in status.json


def test_plugin_nav_items_and_page_slots(tolerant_app, factory):
    from core.migrate import upgrade

    upgrade(tolerant_app)
    client = tolerant_app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert 'href="/recorder/"' in home and "Recorder" in home
    region = client.get("/regions/32.73").get_data(as_text=True)
    assert '<p class=recorder-slot>Recorder sees 32.73</p>' in region
    assert 'data-plugin="recorder" data-slot="region"' in region
    officer = factory.officer("32.73")
    with client.session_transaction() as session:
        session["user_id"] = officer.user_id
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "&lt;b&gt;escaped&lt;/b&gt;" in dashboard  # plain strings are escaped


def test_plugin_commands_run_in_the_app_context(app, tmp_path, monkeypatch):
    monkeypatch.setenv("SINERGI_ENV", "test")
    monkeypatch.setenv("SINERGI_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("SINERGI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SINERGI_PLUGIN_MODULES", json.dumps([RECORDER]))
    monkeypatch.setenv("SINERGI_ENABLED_PLUGINS", "[]")
    from core.cli import SinergiGroup

    group = SinergiGroup(name="sinergi", commands=dict(main.commands))
    result = CliRunner().invoke(group, ["recorder-count"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "effects: 0 (greeting halo)"


def test_an_uninstalled_plugins_migrations_do_not_break_the_status(app, db, factory):
    """The version table still names the head of a plugin that was uninstalled: the plugin
    list and its pending migrations are still answered (it was a 500), and upgrading says
    what is wrong."""
    from sqlalchemy import text

    from core.migrate import UnknownRevisions, pending, upgrade

    with db.begin() as session:
        session.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0001_gone')"))
    try:
        assert pending(app) == []
        # Upgrading cannot go past what it cannot find: a clear refusal, not Alembic's error.
        with pytest.raises(UnknownRevisions, match="no installed plugin provides: 0001_gone"):
            upgrade(app)
        admin = factory.admin()
        response = app.test_client().get("/api/v1/plugins", headers=admin.headers)
        assert response.status_code == 200, response.json
        assert all(row["pending_migrations"] == [] for row in response.json)
    finally:
        with db.begin() as session:
            session.execute(text("DELETE FROM alembic_version WHERE version_num = '0001_gone'"))
