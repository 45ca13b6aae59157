"""Tests of the example plugin, with Sinergi's testing kit."""

import csv
import io


def test_enabled(sinergi_app):
    states = {p["name"]: p["state"] for p in sinergi_app.extensions["sinergi.plugins"].describe()}
    assert states["opendata"] == "enabled"


def test_regions_json_and_csv(sinergi_client, sinergi_factory):
    sinergi_factory.join("32.73", 2017, "evaluated")
    rows = sinergi_client.get("/api/v1/opendata/regions").json
    assert len(rows) == 514
    bandung = sinergi_client.get("/api/v1/opendata/regions?code=32.73").json
    assert len(bandung) == 1
    assert bandung[0]["cohort_year"] == 2017 and bandung[0]["stage"] == "evaluated"
    assert bandung[0]["density_per_km2"] > 1000
    response = sinergi_client.get("/opendata/regions.csv")
    assert response.mimetype == "text/csv"
    parsed = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(parsed) == 514
    assert sinergi_client.get("/api/v1/opendata/regions?code=bad").status_code == 422


def test_province_statistics(sinergi_client, sinergi_factory):
    sinergi_factory.join("32.73")
    sinergi_factory.join("32.01")
    provinces = {p["code"]: p for p in sinergi_client.get("/api/v1/opendata/provinces").json}
    assert len(provinces) == 38
    west_java = provinces["32"]
    assert (west_java["regions"], west_java["participating"]) == (27, 2)
    assert 0 < west_java["participating_population_share"] < 1
    assert provinces["11"]["participating"] == 0


def test_page_and_region_section(sinergi_client):
    page = sinergi_client.get("/opendata/").get_data(as_text=True)
    assert "Keikutsertaan per provinsi" in page
    assert "Participation by province" in sinergi_client.get("/opendata/?lang=en").get_data(
        as_text=True)
    region = sinergi_client.get("/regions/32.73").get_data(as_text=True)
    assert "/api/v1/opendata/regions?code=32.73" in region
