"""Acceptance: the region and province reference data through the API, with filters, sorting
and pagination."""

from __future__ import annotations

import pytest

from tests.api.helpers import ApiClient, assert_problem


def test_acceptance_counts(api: ApiClient) -> None:
    assert api.get("/regions?kind=kota").json["total"] == 98
    assert api.get("/regions?kind=kabupaten").json["total"] == 416
    assert api.get("/regions").json["total"] == 514
    provinces = api.get("/provinces").json
    assert len(provinces) == 38
    assert sum(p["region_count"] for p in provinces) == 514


def test_province_detail_and_unknown_province(api: ApiClient) -> None:
    jabar = api.get("/provinces/32").json
    assert jabar["name"] == "Jawa Barat"
    assert jabar["region_count"] == 27
    assert_problem(api.get("/provinces/99"), 404)


def test_region_detail(api: ApiClient) -> None:
    region = api.get("/regions/32.73").json
    assert region["name"] == "Kota Bandung"
    assert region["kind"] == "kota"
    assert region["province_name"] == "Jawa Barat"
    assert region["participation"] is None
    assert_problem(api.get("/regions/99.99"), 404)


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ("province=32", 27),
        ("province=32&kind=kota", 9),
        ("province=31", 6),
        ("q=bandung", 3),
        ("q=BANDUNG", 3),
        ("q=32.7", 9),  # codes 32.7x: the kota of Jawa Barat
        ("q=%25", 0),  # a literal "%" is not a wildcard
        ("q=_", 0),
        ("province=99", 0),
    ],
)
def test_region_filters(api: ApiClient, query: str, total: int) -> None:
    body = api.get(f"/regions?{query}&per_page=100").json
    assert body["total"] == total
    assert len(body["items"]) == total


def test_participation_filters(api: ApiClient, factory) -> None:
    admin = factory.admin()
    for code, cohort, stage in [("32.73", 2017, "implementation"), ("32.04", 2017, "selected"),
                                ("31.71", 2019, "implementation")]:
        response = api.post(f"/regions/{code}/participation", admin,
                            {"cohort_year": cohort, "stage": stage})
        assert response.status_code == 201, response.json

    def codes(query: str) -> list[str]:
        return [r["code"] for r in api.get(f"/regions?{query}&per_page=100").json["items"]]

    assert codes("participating=true") == ["31.71", "32.04", "32.73"]
    assert api.get("/regions?participating=false").json["total"] == 511
    assert codes("cohort=2017") == ["32.04", "32.73"]
    assert codes("stage=implementation") == ["31.71", "32.73"]
    assert codes("cohort=2017&stage=implementation&province=32") == ["32.73"]
    assert api.get("/regions/32.73").json["participation"] == {
        "cohort_year": 2017, "stage": "implementation"
    }
    jabar = api.get("/provinces/32").json
    assert jabar["participating_count"] == 2


def test_sort_by_population(api: ApiClient) -> None:
    items = api.get("/regions?sort=-population&per_page=3").json["items"]
    assert [r["code"] for r in items] == ["32.01", "32.04", "36.03"]
    items = api.get("/regions?sort=population&per_page=2").json["items"]
    assert [r["code"] for r in items] == ["91.19", "65.04"]
    everything = api.get("/regions?sort=-population&per_page=100&page=1").json["items"]
    populations = [r["population"] for r in everything]
    assert populations == sorted(populations, reverse=True)


def test_sort_by_name(api: ApiClient) -> None:
    first = api.get("/regions?sort=name&per_page=1").json["items"][0]
    last = api.get("/regions?sort=-name&per_page=1").json["items"][0]
    assert first["name"] == "Kabupaten Aceh Barat"
    assert last["name"] == "Kota Yogyakarta"


@pytest.mark.parametrize("sort", ["area", "-area"])
def test_regions_without_area_sort_last_on_every_database(api: ApiClient, sort: str) -> None:
    """Four regions have no area: they come last in both directions, on SQLite and
    PostgreSQL alike (PostgreSQL puts NULLs first in descending order by default)."""
    first = api.get(f"/regions?sort={sort}&per_page=5").json["items"]
    assert all(r["area_km2"] is not None for r in first)
    last_page = api.get(f"/regions?sort={sort}&per_page=100&page=6").json["items"]
    assert [r["area_km2"] for r in last_page[-4:]] == [None] * 4
    areas = [r["area_km2"] for r in last_page[:-4]]
    assert areas == sorted(areas, reverse=sort.startswith("-"))


def test_pagination_totals_and_pages(api: ApiClient) -> None:
    first = api.get("/regions?kind=kota&per_page=10").json
    assert (first["total"], first["page"], first["per_page"], first["pages"]) == (98, 1, 10, 10)
    assert len(first["items"]) == 10
    last = api.get("/regions?kind=kota&per_page=10&page=10").json
    assert len(last["items"]) == 8
    assert last["pages"] == 10
    seen = set()
    for page in range(1, 11):
        seen.update(r["code"] for r in api.get(
            f"/regions?kind=kota&per_page=10&page={page}").json["items"])
    assert len(seen) == 98
    past = api.get("/regions?kind=kota&per_page=10&page=11").json
    assert past["items"] == [] and past["total"] == 98 and past["pages"] == 10


def test_default_and_maximum_page_size(api: ApiClient) -> None:
    default = api.get("/regions").json
    assert default["per_page"] == 20 and len(default["items"]) == 20 and default["pages"] == 26
    biggest = api.get("/regions?per_page=100").json
    assert len(biggest["items"]) == 100 and biggest["pages"] == 6


def test_empty_result_has_one_page(api: ApiClient) -> None:
    body = api.get("/regions?q=zzzz").json
    assert body == {"items": [], "total": 0, "page": 1, "per_page": 20, "pages": 1}
