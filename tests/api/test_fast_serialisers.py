"""The hot read endpoints serialise with plain functions instead of marshmallow: the JSON must
be exactly what the marshmallow schemas (which still document the API) make of the same data,
field for field, so that the two cannot drift apart."""

from __future__ import annotations

import pytest
from marshmallow import Schema

from core.db import Database
from core.plans import services as plan_services
from core.plans.schemas import (
    PlanListItemSchema,
    PlanSchema,
    ProgrammeSchema,
    plan_body,
    plan_list_item_body,
    programme_body,
)
from core.regions import services as region_services
from core.regions.schemas import RegionPage, RegionSchema, region_row_body
from core.testing.factories import Account
from tests.api.helpers import ApiClient
from tests.conftest import Factory

ALL = region_services.RegionFilter()


def _same(schema: Schema, expected_source: object, plain: dict) -> None:
    dumped = schema.dump(expected_source)
    # Every declared field is there, and nothing else: a field added to the schema and not
    # to the function (or the other way round) fails here.
    assert set(plain) == set(schema.fields) == set(dumped)
    for name in schema.fields:
        assert plain[name] == dumped[name], name
        assert type(plain[name]) is type(dumped[name]), name
    assert plain == dumped


@pytest.fixture
def participating(factory: Factory) -> None:
    """Regions at several stages and cohorts, so that participation is set for some."""
    factory.join("32.73", 2017, "selected")
    factory.join("31.71", 2018, "master_plan")
    factory.join("11.01", 2019)


@pytest.mark.parametrize("sort", ["code", "-population", "area", "-name"])
def test_region_rows_serialise_like_the_schema_for_every_region(
    db: Database, participating: None, sort: str
) -> None:
    with db.begin() as session:
        orm = region_services.list_regions(
            session, ALL, sort=sort.removeprefix("-"), descending=sort.startswith("-"),
            per_page=1000,
        )
        rows = region_services.list_region_rows(
            session.connection(), ALL, sort=sort.removeprefix("-"), descending=sort.startswith("-"),
            per_page=1000,
        )
        assert orm.total == rows.total > 500
        assert len(orm.items) == len(rows.items) == orm.total
        schema = RegionSchema()
        for region, row in zip(orm.items, rows.items, strict=True):
            _same(schema, region, region_row_body(row))
        with_participation = [row for row in rows.items if row[-2] is not None]
        assert len(with_participation) == 3


def test_region_row_with_missing_figures_serialises_like_the_schema() -> None:
    """Population and area may be unknown (NULL); the shipped data has no region without a
    population, so this case is built by hand."""
    from core.regions.models import Participation, Province, Region

    for population, area, participation in [
        (None, None, None), (0, 0.0, Participation(cohort_year=2017, stage="selected")),
        (1234, 12.5, None),
    ]:
        region = Region(code="99.01", name="Kota Contoh", kind="kota", province_code="99",
                        population=population, area_km2=area)
        region.province = Province(code="99", name="Provinsi Contoh")
        region.participation = participation
        row = ("99.01", "Kota Contoh", "kota", "99", "Provinsi Contoh", population, area,
               participation and participation.cohort_year, participation and participation.stage)
        _same(RegionSchema(), region, region_row_body(row))


@pytest.mark.parametrize("filters", [
    {"participating": True}, {"participating": False}, {"province": "32", "kind": "kota"},
    {"q": "bandung"}, {"cohort": 2018}, {"stage": "selected"}, {"codes": ("32.73", "11.01")},
])
@pytest.mark.parametrize("page", [1, 2, 40])
def test_region_rows_match_the_orm_list_with_filters_and_pages(
    db: Database, participating: None, filters: dict, page: int
) -> None:
    chosen = region_services.RegionFilter(**filters)
    with db.begin() as session:
        orm = region_services.list_regions(session, chosen, page=page, per_page=5)
        rows = region_services.list_region_rows(session.connection(), chosen, page=page,
                                                per_page=5)
    assert (rows.total, rows.page, rows.per_page) == (orm.total, orm.page, orm.per_page)
    assert [r.code for r in orm.items] == [row[0] for row in rows.items]


def test_region_list_response_is_the_schemas_json(api: ApiClient, db: Database,
                                                  participating: None) -> None:
    response = api.get("/regions?per_page=100&sort=-population&page=2")
    assert response.status_code == 200
    with db.begin() as session:
        page = region_services.list_regions(session, ALL, sort="population", descending=True,
                                            page=2, per_page=100)
        expected = RegionPage().dump({"items": page.items, "total": page.total,
                                      "page": page.page, "per_page": page.per_page,
                                      "pages": page.pages})
    assert response.json == expected


@pytest.fixture
def plans(factory: Factory) -> tuple[Account, list[int]]:
    """An admin and plans in every status, with and without programmes."""
    admin = factory.admin()
    officer = factory.officer("32.73")
    ids = [factory.plan(officer, status=status, period_start=2024 + 5 * n, reviewer=admin)
           for n, status in enumerate(plan_services.PLAN_STATUSES)]
    ids.append(factory.plan(officer, complete=False, period_start=2060))
    return admin, ids


def test_plans_serialise_like_the_schemas_field_by_field(db: Database, plans) -> None:
    admin, ids = plans
    with db.begin() as session:
        for plan_id in ids:
            plan = plan_services.get_plan(session, admin.principal, plan_id)
            _same(PlanSchema(), plan, plan_body(plan))
            _same(PlanListItemSchema(), plan, plan_list_item_body(plan))
            for programme in plan.programmes:
                _same(ProgrammeSchema(), programme, programme_body(programme))
        statuses = {plan_services.get_plan(session, admin.principal, i).status for i in ids}
    assert statuses == set(plan_services.PLAN_STATUSES)


def test_plan_detail_response_is_the_schemas_json(api: ApiClient, db: Database, plans) -> None:
    admin, ids = plans
    for plan_id in ids:
        for _ in range(2):  # the second answer of an approved plan comes from the cache
            response = api.get(f"/plans/{plan_id}", admin)
            assert response.status_code == 200
            with db.begin() as session:
                plan = plan_services.get_plan(session, admin.principal, plan_id)
                assert response.json == PlanSchema().dump(plan)
                assert response.headers["ETag"] == f'"plan-{plan_id}-v{plan.version}"'
