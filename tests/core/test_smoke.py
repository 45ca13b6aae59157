"""Smoke tests that the reference data and the basic API are in place."""


def test_region_counts(client):
    assert client.get("/api/v1/regions?kind=kota").json["total"] == 98
    assert client.get("/api/v1/regions?kind=kabupaten").json["total"] == 416
    assert client.get("/api/v1/regions").json["total"] == 514
    assert len(client.get("/api/v1/provinces").json) == 38


def test_plan_lifecycle_writes_outbox(client, factory, outbox):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, status="approved")
    types = [
        row.type
        for row in outbox()
        if row.type.startswith("sinergi.plan.") and row.subject == str(plan_id)
    ]
    assert types == ["sinergi.plan.created", "sinergi.plan.submitted", "sinergi.plan.approved"]


def test_health_check(client, sql_counter):
    with sql_counter:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": True}
    assert sql_counter.count <= 2
