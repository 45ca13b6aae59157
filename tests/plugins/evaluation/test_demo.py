"""The demo loads a 2024 cycle through the services."""

from __future__ import annotations

from sqlalchemy import func, select

from core.demo import load_demo
from plugins.evaluation.models import Assignment, Cycle, SurveyResponse


def test_demo_cycle(make_bus_app):
    bus_app = make_bus_app()
    db = bus_app.extensions["sinergi.db"]
    with bus_app.app_context(), db.begin() as session:
        load_demo(session, plugins=bus_app.extensions["sinergi.plugins"])
    with db.begin() as session:
        cycle = session.scalar(select(Cycle))
        assert (cycle.year, cycle.status, cycle.is_demo) == (2024, "self_assessment", True)
        # Two assessors per city, the first as lead: the assessment can start.
        assert session.scalar(select(func.count()).select_from(Assignment)) == 20
        assert session.scalar(select(func.count()).select_from(Assignment).where(
            Assignment.is_lead.is_(True))) == 10
        assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 300
    client = bus_app.test_client()
    page = client.get("/evaluasi/2024")
    assert page.status_code == 200 and "Kota Bandung" in page.text
    with bus_app.app_context(), db.begin() as session:
        from core.accounts.models import User
        from core.accounts.services import load_principal
        from plugins.evaluation import services

        admin_id = session.scalar(select(User.id).where(User.email.startswith("admin@")))
        services.start_assessment(session, load_principal(session, admin_id), 2024)
    with db.begin() as session:
        assert session.scalar(select(Cycle.status)) == "assessment"
