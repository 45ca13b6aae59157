"""Demo data goes through the services: its events flow, and plugins add theirs."""

from __future__ import annotations

from sqlalchemy import func, select

from core.demo import COHORT_SIZES, demo_logins, is_loaded, load_demo
from core.events.outbox import OutboxEvent
from core.plans.models import MasterPlan
from core.regions.models import Participation
from tests.bus.conftest import drain, effects


def test_demo_world_and_plugin_hook(make_bus_app):
    bus_app = make_bus_app(enabled_plugins=[])
    db = bus_app.extensions["sinergi.db"]
    with bus_app.app_context(), db.begin() as session:
        logins = load_demo(session, plugins=bus_app.extensions["sinergi.plugins"])
    assert [login.role for login in logins] == [login.role for login in demo_logins()]
    with db.begin() as session:
        assert is_loaded(session)
        assert session.scalar(select(func.count()).select_from(Participation)) == 241
        assert sum(COHORT_SIZES.values()) == 241
        statuses = set(session.scalars(select(MasterPlan.status)))
        assert {"draft", "submitted", "approved", "revision_requested"} <= statuses
        types = set(session.scalars(select(OutboxEvent.type)))
        assert {"sinergi.region.joined", "sinergi.organisation.created",
                "sinergi.organisation.verified", "sinergi.plan.approved",
                "sinergi.plan.revision_requested"} <= types
        plan_events = session.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.type.in_(["sinergi.plan.created", "sinergi.plan.submitted"])))
    assert effects(bus_app) == {"demo": 1}  # the recorder plugin's load_demo_data hook
    drain(bus_app, seconds=20, until=lambda: len(effects(bus_app)) == plan_events + 1)
    assert len(effects(bus_app)) == plan_events + 1
    assert set(effects(bus_app).values()) == {1}
    with bus_app.app_context(), db.begin() as session:  # running it again changes nothing
        load_demo(session, plugins=bus_app.extensions["sinergi.plugins"])
        assert session.scalar(select(func.count()).select_from(Participation)) == 241
