"""Property-based fuzzing of the whole REST API (core and plugins) with schemathesis.

Every operation of ``/api/openapi.json`` is called in-process (the WSGI app, no server) on the
test database with generated valid and invalid input, as an admin, a region officer, a partner
(admin of an organisation) and anonymously. Every response goes through all of schemathesis'
checks plus :func:`problem_json`. A stateful run chains calls along the document's links
(create a plan, then read, change and submit it; create a need, then read it, …).

The CI run is bounded; ``SINERGI_SCHEMATHESIS_EXAMPLES=100`` runs a longer one, with the
coverage phase too (docs/api.md, "Fuzzing").
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis import Case, CheckContext, Response
from schemathesis.specs.openapi.schemas import OpenApiSchema

from core.api.problems import PROBLEM_MIMETYPE
from core.app import create_app
from tests.conftest import Factory

DEFAULT_EXAMPLES = 4
#: Generated inputs per operation (each sent as every role); small in CI, larger on demand.
EXAMPLES = int(os.environ.get("SINERGI_SCHEMATHESIS_EXAMPLES") or DEFAULT_EXAMPLES)
LONG_RUN = EXAMPLES > DEFAULT_EXAMPLES
#: Stateful scenarios, each a chain of up to STEPS linked calls.
SCENARIOS = 3 * EXAMPLES
STEPS = 6
ROLES = ("admin", "officer", "partner", "anonymous")
#: The statuses docs/api.md gives for errors; any other is a bug (500 included).
ERROR_STATUSES = {400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 429}
#: What positive_data_acceptance accepts for schema-valid input (its defaults).
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]

#: Operations whose valid input depends on data or on several fields at once, which an OpenAPI
#: schema cannot state: schema-valid input is rightly refused with 422 there, so the
#: positive_data_acceptance check (and only it) is off for them.
DATA_DEPENDENT_INPUT = {
    # provinces_served must name existing provinces (reference data), not any two digits.
    "POST /api/v1/organisations",
    # region_code must name one of the 514 regions.
    "POST /api/v1/plans",
    # weights must add up to 100 and scale_max exceed scale_min.
    "POST /api/v1/evaluation/cycles",
    "PATCH /api/v1/evaluation/cycles/{year}",
    # The uploaded file must be a CSV or XLSX with the indicator columns.
    "POST /api/v1/evaluation/external-indicators",
    # The base64 content must be a file of an accepted type (PDF, image, …).
    "POST /api/v1/evaluation/cycles/{year}/regions/{code}/evidence",
    # The base64 content must be a decodable image.
    "PUT /api/v1/exhibition/achievements/{achievement_id}/image",
    # A score is a number with at most two decimals, given as a number or a string ("3,25").
    "PUT /api/v1/evaluation/cycles/{year}/regions/{code}/finals",
    "PUT /api/v1/evaluation/assignments/{assignment_id}/scores",
    "PUT /api/v1/evaluation/cycles/{year}/regions/{code}/self-assessment",
    # Provinces served, or national: one of the two.
    "POST /api/v1/offers",
    "PATCH /api/v1/offers/{offer_id}",
    # The URL's host must resolve to a public address (DNS; none in the test environment).
    "POST /api/v1/webhooks",
    "PATCH /api/v1/webhooks/{webhook_id}",
}


@schemathesis.check
def problem_json(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx/5xx of the API is an RFC 9457 problem carrying the response's status."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.split(";")[0].strip() == PROBLEM_MIMETYPE, (
        f"{response.status_code} answered as {content_type!r}, not {PROBLEM_MIMETYPE}"
    )
    body = response.json()
    assert isinstance(body, dict), body
    assert body.get("status") == response.status_code, body
    assert isinstance(body.get("title"), str) and body["title"], body
    assert str(body.get("type", "")).startswith("urn:sinergi:problem:"), body
    assert response.status_code in ERROR_STATUSES, f"undocumented error status: {body}"
    return True


def _operation_configs(spec: dict[str, Any]) -> list[dict[str, Any]]:
    configs: list[dict[str, Any]] = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            name = f"{method.upper()} {path}"
            if name in DATA_DEPENDENT_INPUT:
                configs.append({"include-name": name,
                                "checks": {"positive_data_acceptance": {"enabled": False}}})
            elif any(p.get("name") == "If-Match" for p in operation.get("parameters", ())):
                # A generated ETag names no version of the item: 412 is the right answer.
                configs.append({"include-name": name, "checks": {
                    "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "412"]}}})
    return configs


def _load_schema() -> OpenApiSchema:
    """The OpenAPI document, read at collection time from an app of its own (the document does
    not depend on data); the tests send their requests to the suite's app."""
    folder = tempfile.mkdtemp(prefix="sinergi-openapi-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    spec_app = create_app(
        {"database_url": f"sqlite:///{folder}/spec.db", "instance_path": folder,
         "broker_url": ""},
        env="test",
    )
    spec = spec_app.test_client().get("/api/openapi.json").get_json()
    config = schemathesis.Config.from_dict({
        # No text of the API may hold U+0000 (422, docs/api.md; tests/api/test_bad_input.py):
        # schema-valid input has none.
        "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none",
                       "allow-x00": False},
        "checks": {"enabled": True},
        # The coverage phase sends hundreds of requests per operation: long runs only.
        "phases": {"coverage": {"enabled": LONG_RUN}},
        "operations": _operation_configs(spec),
    })
    return schemathesis.openapi.from_dict(spec, config=config)


schema = _load_schema()
SETTINGS = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def role_headers(factory: Factory) -> dict[str, dict[str, str]]:
    """Bearer headers per role, and some data for them to find (a participating region with a
    draft plan, a partner organisation)."""
    admin = factory.admin()
    officer = factory.officer("32.73", role="admin")
    partner, _org = factory.partner("business")
    factory.join("32.73")
    factory.plan(officer, "32.73")
    return {"admin": admin.headers, "officer": officer.headers, "partner": partner.headers,
            "anonymous": {}}


@pytest.fixture(autouse=True)
def _forget_matchmaking_index(app: Flask) -> Iterator[None]:
    """Tables are emptied after each test: drop matchmaking's in-memory index as well."""
    yield
    from plugins.matchmaking.index_store import forget

    forget(app)


@schema.parametrize()
@SETTINGS
def test_operation(case: Case, app: Flask, role_headers: dict[str, dict[str, str]]) -> None:
    for role in ROLES:
        case.call_and_validate(headers=dict(role_headers[role]), app=app)


@pytest.mark.parametrize("role", ["admin", "officer"])
def test_stateful(app: Flask, role_headers: dict[str, dict[str, str]], role: str) -> None:
    headers = role_headers[role]

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return {"app": app, "headers": dict(headers)}

    Workflow.run(settings=settings(SETTINGS, max_examples=SCENARIOS, stateful_step_count=STEPS))
