"""The event catalogue over HTTP agrees with the registry and with docs/events.md."""

from __future__ import annotations

from pathlib import Path

import jsonschema

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_catalogue_lists_every_type_with_its_schema(client, app):
    response = client.get("/api/v1/events/types")
    assert response.status_code == 200
    listed = {item["type"]: item for item in response.json}
    registered = {t.type for t in app.extensions["sinergi.events"]}
    assert set(listed) == registered
    submitted = listed["sinergi.plan.submitted"]
    assert submitted["owner"] == "core"
    schema = submitted["schema"]
    assert schema["$id"] == "/api/v1/events/types/sinergi.plan.submitted"
    assert {"plan_id", "region_code", "resubmission"} <= set(schema["properties"])
    assert "resubmission" in schema["required"]


def test_schemas_validate_real_events(client, factory, outbox):
    officer = factory.officer("32.73")
    factory.plan(officer, status="approved")
    for row in outbox():
        detail = client.get(row.envelope()["dataschema"])
        assert detail.status_code == 200, row.type
        jsonschema.validate(row.data, detail.json["schema"])


def test_unknown_type_is_404(client):
    response = client.get("/api/v1/events/types/sinergi.nothing.here")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_docs_catalogue_agrees_with_the_endpoint(client):
    text = DOC.read_text(encoding="utf-8")
    for item in client.get("/api/v1/events/types").json:
        assert f"### {item['type']}" in text, f"docs/events.md lacks {item['type']}"
