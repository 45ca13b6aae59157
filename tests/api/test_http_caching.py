"""HTTP caching of public reads: strong ETags with ``If-None-Match`` → 304 for the region list
and plan details, and the per-process cache of approved plans' bodies, which never serves a
stale body and never serves a plan that is not public."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import update

from core.db import Database
from core.plans.api import PublicPlanBodies, public_plan_bodies
from core.plans.models import MasterPlan
from core.plans.services import PlanStamp
from core.regions.models import Region
from tests.api.helpers import ApiClient
from tests.conftest import Factory


def _bodies(app: Flask) -> PublicPlanBodies:
    with app.app_context():
        return public_plan_bodies()


# ---------------------------------------------------------------- region list


def test_region_list_revalidates_with_its_etag(api: ApiClient, factory: Factory) -> None:
    first = api.get("/regions?per_page=20")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('"regions-') and not tag.startswith("W/")
    again = api.get("/regions?per_page=20", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag
    for header in (f"W/{tag}", f'"other", {tag}', "*"):
        assert api.get("/regions?per_page=20",
                       headers={"If-None-Match": header}).status_code == 304, header
    assert api.get("/regions?per_page=20", headers={"If-None-Match": '"regions-x"'}
                   ).status_code == 200
    # Another page, or the same page after a change, is another representation.
    assert api.get("/regions?per_page=20&page=2").headers["ETag"] != tag
    factory.join("11.01", 2017)  # the first page's first region joins the movement
    changed = api.get("/regions?per_page=20", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.json["items"][0]["participation"] == {"cohort_year": 2017,
                                                         "stage": "selected"}
    assert changed.headers["ETag"] != tag


# ---------------------------------------------------------------- plan detail


def test_approved_plan_revalidates_and_is_served_from_the_cache(
    app: Flask, api: ApiClient, factory: Factory, db: Database
) -> None:
    plan_id = factory.plan(factory.officer("32.73"), status="approved")
    first = api.get(f"/plans/{plan_id}")
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag == f'"plan-{plan_id}-v{first.json["version"]}"'
    stamp = PlanStamp(plan_id, "approved", first.json["version"],
                      _updated_at(db, plan_id), first.json["region_name"])
    assert _bodies(app).get(stamp, "en") == first.data
    assert api.get(f"/plans/{plan_id}").data == first.data
    not_modified = api.get(f"/plans/{plan_id}", headers={"If-None-Match": tag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == tag


def _updated_at(db: Database, plan_id: int):
    with db.begin() as session:
        return session.get(MasterPlan, plan_id).updated_at


def test_cached_plan_body_is_never_stale(app: Flask, api: ApiClient, factory: Factory,
                                         db: Database) -> None:
    """Changes made elsewhere (another process, the CLI) show at once: the cache entry is only
    used for the version, last change and region name read in the same request."""
    plan_id = factory.plan(factory.officer("32.73"), status="approved")
    old = api.get(f"/plans/{plan_id}")
    assert api.get(f"/plans/{plan_id}").data == old.data  # cached
    with db.begin() as session:  # a new version
        session.execute(update(MasterPlan).where(MasterPlan.id == plan_id)
                        .values(title="Judul Baru", version=MasterPlan.version + 1))
    new = api.get(f"/plans/{plan_id}", headers={"If-None-Match": old.headers["ETag"]})
    assert new.status_code == 200 and new.json["title"] == "Judul Baru"
    assert new.headers["ETag"] != old.headers["ETag"]
    # A region renamed by ``sinergi regions load`` (reference data: restored afterwards).
    original = old.json["region_name"]
    try:
        with db.begin() as session:
            session.execute(update(Region).where(Region.code == "32.73")
                            .values(name="Kota Bandung Baru"))
        assert api.get(f"/plans/{plan_id}").json["region_name"] == "Kota Bandung Baru"
    finally:
        with db.begin() as session:
            session.execute(update(Region).where(Region.code == "32.73").values(name=original))
    assert api.get(f"/plans/{plan_id}").json["region_name"] == original


def test_private_plans_pass_the_access_check_every_time(
    app: Flask, api: ApiClient, factory: Factory, db: Database
) -> None:
    officer = factory.officer("32.73")
    draft = factory.plan(officer)
    for _ in range(2):
        seen = api.get(f"/plans/{draft}", officer)
        assert seen.status_code == 200
        assert api.get(f"/plans/{draft}").status_code == 404
        assert api.get(f"/plans/{draft}", factory.officer("31.71")).status_code == 404
    # Revalidating does not reveal a plan either: 404, not 304.
    tag = seen.headers["ETag"]
    assert api.get(f"/plans/{draft}", headers={"If-None-Match": tag}).status_code == 404
    assert api.get(f"/plans/{draft}", officer, headers={"If-None-Match": tag}
                   ).status_code == 304
    # Only public plans are kept. (An entry under the same id may be left by an earlier test's
    # plan, ids being reused after the tables are emptied: its stamp is not this draft's.)
    stamps = [entry[0] for entry in _bodies(app)._entries.values()]
    assert all(stamp.public for stamp in stamps)
    assert not any(s.id == draft and s.updated_at == _updated_at(db, draft) for s in stamps)

    # A plan that stops being public (here by hand: no transition leaves "approved") is not
    # served from the cache: the access check applies again.
    approved = factory.plan(factory.officer("31.71"), "31.71", status="approved")
    assert api.get(f"/plans/{approved}").status_code == 200
    assert api.get(f"/plans/{approved}").status_code == 200  # from the cache
    with db.begin() as session:
        session.execute(update(MasterPlan).where(MasterPlan.id == approved)
                        .values(status="submitted"))
    assert api.get(f"/plans/{approved}").status_code == 404
    assert api.get(f"/plans/{approved}", factory.evaluator()).status_code == 200


def test_cache_refuses_private_plans_and_keeps_one_version_per_plan() -> None:
    bodies = PublicPlanBodies(max_plans=2)
    stamp = PlanStamp(1, "approved", 3, "t1", "Kota A")
    with pytest.raises(ValueError):
        bodies.put(PlanStamp(1, "draft", 3, "t1", "Kota A"), "id", b"x")
    bodies.put(stamp, "id", b"id-body")
    bodies.put(stamp, "en", b"en-body")
    assert bodies.get(stamp, "id") == b"id-body" and bodies.get(stamp, "en") == b"en-body"
    newer = PlanStamp(1, "approved", 4, "t2", "Kota A")
    assert bodies.get(newer, "id") is None
    bodies.put(newer, "id", b"new")
    assert bodies.get(stamp, "id") is None and bodies.get(stamp, "en") is None
    assert bodies.get(newer, "id") == b"new"
    bodies.put(PlanStamp(2, "approved", 1, "t", "B"), "id", b"2")
    bodies.put(PlanStamp(3, "approved", 1, "t", "C"), "id", b"3")
    assert len(bodies) == 2 and bodies.get(newer, "id") is None  # least recently used left


def test_plan_body_does_not_depend_on_the_language(api: ApiClient, factory: Factory) -> None:
    """The ETag of a plan (``plan-<id>-v<version>``) names one body for every language: that
    holds while no field of a plan is translated. Should one be, its ETag must name the
    language too, and this test says so."""
    plan_id = factory.plan(factory.officer("32.73"), status="approved")
    bodies = {lang: api.get(f"/plans/{plan_id}", headers={"Accept-Language": lang})
              for lang in ("id", "en")}
    assert bodies["id"].data == bodies["en"].data
    assert bodies["id"].headers["ETag"] == bodies["en"].headers["ETag"]
