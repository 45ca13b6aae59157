"""The testing kit works for a plugin author: fixtures, role clients, the event recorder."""

from __future__ import annotations

import pytest

from core.testing.events import EventRecorder, HandlerFailed

pytest_plugins = ["pytester"]


def test_role_clients(sinergi_clients):
    assert sinergi_clients["anonymous"].get("/api/v1/me").status_code == 401
    kinds = {role: sinergi_clients[role].get("/api/v1/me").json["kind"]
             for role in ("admin", "evaluator", "officer", "partner")}
    assert kinds == {"admin": "admin", "evaluator": "evaluator", "officer": "officer",
                     "partner": "partner"}


def test_event_recorder_dispatches_handlers_in_process(make_bus_app, factory, tmp_path):
    from tests.bus.conftest import effects
    from tests.bus.test_delivery import _submit_plan

    bus_app = make_bus_app(enabled_plugins=[])
    recorder = EventRecorder(bus_app)
    _submit_plan(bus_app, factory)
    assert recorder.types() == [
        "sinergi.organisation.created", "sinergi.plan.created", "sinergi.plan.submitted"]
    assert recorder.published("sinergi.plan.submitted")[0]["data"]["resubmission"] is False
    results = recorder.dispatch()
    assert [(t, h, o) for t, h, o in results] == [
        ("sinergi.plan.created", "recorder.record", "handled"),
        ("sinergi.plan.submitted", "recorder.record", "handled"),
    ]
    assert recorder.dispatch() == []  # nothing left: deterministic and idempotent
    assert set(effects(bus_app).values()) == {1}


def test_event_recorder_reports_handler_failures(make_bus_app, factory):
    from tests.bus.test_delivery import _submit_plan

    bus_app = make_bus_app(enabled_plugins=[])
    recorder = EventRecorder(bus_app)
    _submit_plan(bus_app, factory, title="POISON plan")
    with pytest.raises(HandlerFailed, match="poison event"):
        recorder.dispatch()


def test_kit_is_a_pytest_plugin_for_other_projects(pytester, app):
    """A plugin author's project: override sinergi_config, use the fixtures."""
    pytester.makeconftest("""
import pytest

@pytest.fixture(scope="session")
def sinergi_config():
    return {"enabled_plugins": []}
""")
    pytester.makepyfile(test_author="""
def test_fixtures(sinergi_app, sinergi_clients, sinergi_factory, sinergi_events,
                  sinergi_sql_counter):
    states = {p["name"]: p["state"] for p in sinergi_app.extensions["sinergi.plugins"].describe()}
    assert "enabled" not in states.values()
    officer = sinergi_factory.officer("35.78")
    plan_id = sinergi_factory.plan(officer, "35.78", status="submitted")
    assert sinergi_events.types()[-2:] == ["sinergi.plan.created", "sinergi.plan.submitted"]
    with sinergi_sql_counter as counter:
        response = sinergi_clients["anonymous"].get("/api/v1/regions?kind=kota")
    assert response.json["total"] == 98 and counter.count <= 3
    # the kit's officer is of Kota Bandung: another region's submitted plan is invisible
    assert sinergi_clients["officer"].get(f"/api/v1/plans/{plan_id}").status_code == 404
    assert sinergi_clients["admin"].get(f"/api/v1/plans/{plan_id}").status_code == 200
""")
    # On PostgreSQL the inner session works in a database of its own (``<name>_s<pid>``).
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
