"""``sinergi match reindex`` run through the real command line (click's CliRunner, the
``sinergi`` group loading the plugin commands from an app built on the test database)
rebuilds every open need's stored matches."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from core.cli import main
from plugins.matchmaking import cli as match_cli
from plugins.matchmaking.models import Match
from tests.api.helpers import ApiClient
from tests.plugins.matchmaking.conftest import Sides, created, need_body, offer_body


def test_reindex_rebuilds_the_matches(app, api: ApiClient, sides: Sides, db, monkeypatch,
                                      tmp_path) -> None:
    offer = created(api.post("/offers", sides.partner, offer_body()))
    created(api.post("/offers", sides.rival, offer_body(
        title="Festival kuliner", description="Promosi wisata kuliner malam.",
        dimensions=["branding"], sub_dimensions=["tourism"], provinces=["35"])))
    need = created(api.post("/needs", sides.officer, need_body()))
    closed = created(api.post("/needs", sides.officer, need_body(title="Sensor banjir lama")))
    etag = api.etag(f"/needs/{closed['id']}", sides.officer)
    api.patch(f"/needs/{closed['id']}", sides.officer, {"status": "closed"}, etag=etag)
    with db.begin() as session:  # a stale row that the rebuild must drop
        session.add(Match(need_id=closed["id"], offer_id=offer["id"],
                          organisation_id=sides.org, score=0.99, explanation={}))

    # The command line builds its own app from the environment: point it at the test database.
    monkeypatch.setenv("SINERGI_ENV", "test")
    monkeypatch.setenv("SINERGI_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("SINERGI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setattr(main, "_plugins_loaded", False)
    monkeypatch.setitem(match_cli._APP, "app", app)  # restored after the test
    result = CliRunner().invoke(main, ["match", "reindex"])
    built = match_cli._APP["app"]
    try:
        assert result.exit_code == 0, result.output
        assert "1 needs matched" in result.output
        assert built is not app  # the command's own application
        with db.begin() as session:
            rows = [(m.need_id, m.offer_id) for m in session.scalars(select(Match))]
        assert rows == [(need["id"], offer["id"])]
    finally:
        built.extensions["sinergi.db"].dispose()
