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


def test_prune_keeps_recent_changes_and_idle_indexes_rebuild(app, api: ApiClient, sides: Sides,
                                                             db, monkeypatch,
                                                             tmp_path) -> None:
    import datetime as dt

    from sqlalchemy import func, update

    from plugins.matchmaking.index_store import MatchIndex
    from plugins.matchmaking.models import IndexChange

    old = created(api.post("/offers", sides.partner, offer_body()))
    index = MatchIndex(max_idle_seconds=3600)
    with db.begin() as session:
        index.sync(session)
        assert old["id"] in index.offers.docs
        session.execute(update(IndexChange).values(
            at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=30)))
    fresh = created(api.post("/offers", sides.rival, offer_body(title="Dasbor banjir")))

    monkeypatch.setenv("SINERGI_ENV", "test")
    monkeypatch.setenv("SINERGI_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("SINERGI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setattr(main, "_plugins_loaded", False)
    monkeypatch.setitem(match_cli._APP, "app", app)
    result = CliRunner().invoke(main, ["match", "prune"])
    built = match_cli._APP["app"]
    try:
        assert result.exit_code == 0, result.output
        assert "1 index changes older than 24 h deleted" in result.output
        with db.begin() as session:
            assert session.scalar(select(func.count()).select_from(IndexChange)) == 1
    finally:
        built.extensions["sinergi.db"].dispose()

    # An offer withdrawn while the process was idle, its change row pruned: a process that
    # went unsynced past half the retention rebuilds instead of trusting the log.
    with db.begin() as session:
        from plugins.matchmaking.models import Offer

        session.execute(update(Offer).where(Offer.id == old["id"]).values(status="withdrawn"))
        session.execute(delete_changes_for(old["id"]))
        index.synced_at -= 7200
        index.sync(session)
    assert old["id"] not in index.offers.docs and fresh["id"] in index.offers.docs


def delete_changes_for(offer_id: int):
    from sqlalchemy import delete

    from plugins.matchmaking.models import IndexChange

    return delete(IndexChange).where(IndexChange.kind == "offer", IndexChange.doc_id == offer_id)
