"""Configuration layering and production safety."""

from __future__ import annotations

import pytest

from core.config import ConfigError, check_safety, load_settings, resolve_paths


def test_sinergi_config_file_can_choose_production(tmp_path):
    config = tmp_path / "prod.toml"
    config.write_text('env = "production"\nsession_cookie_secure = true\n')
    settings = load_settings(environ={"SINERGI_CONFIG": str(config)})
    assert settings["env"] == "production"
    assert settings["session_cookie_secure"] is True
    with pytest.raises(ConfigError, match="default secret key"):
        check_safety(settings)


def test_production_refuses_debug_and_short_keys():
    base = {"env": "production", "secret_key": "x" * 40}
    check_safety(base)
    with pytest.raises(ConfigError, match="debug"):
        check_safety({**base, "debug": True})
    with pytest.raises(ConfigError, match="32 characters"):
        check_safety({**base, "secret_key": "short"})


def test_environment_variables_are_typed():
    settings = load_settings(environ={
        "SINERGI_DEBUG": "false", "SINERGI_PORT": "8080", "SINERGI_LOCALES": "id,en",
        "SINERGI_PLUGINS__MATCHMAKING__TOP_N": "5",
    })
    assert settings["debug"] is False
    assert settings["port"] == 8080
    assert settings["locales"] == ["id", "en"]
    assert settings["plugins"]["matchmaking"]["top_n"] == "5"
    with pytest.raises(ConfigError, match="SINERGI_PORT"):
        load_settings(environ={"SINERGI_PORT": "many"})


def test_paths_default_to_the_instance_folder(tmp_path):
    settings = resolve_paths({"instance_path": str(tmp_path), "database_url": "",
                              "broker_url": ""})
    assert settings["database_url"] == f"sqlite:///{tmp_path / 'sinergi.db'}"
    assert settings["broker_url"] == "filesystem://"
