"""Two reviewers approving two plans of the same region and period at the same moment: one
wins, the other gets a 409 problem (not a 500 from the database's unique index)."""

from __future__ import annotations

import threading
import time

from core.db import Database
from core.plans import services as plans
from tests.api.helpers import ApiClient, assert_problem
from tests.conftest import Factory


def test_concurrent_approvals_of_the_same_period(api: ApiClient, factory: Factory,
                                                 db: Database, outbox) -> None:
    officer, admin, other_admin = factory.officer(), factory.admin(), factory.admin()
    first = factory.plan(officer, status="submitted")
    second = factory.plan(officer, status="submitted")

    session = db.session_factory()
    try:
        # The first approval is written but not yet committed ...
        plans.approve_plan(session, admin.principal, first, "ok")
        session.flush()
        result = {}

        def approve_second() -> None:
            result["response"] = api.post(f"/plans/{second}/approve", other_admin, {})

        # ... when the second arrives; it waits on the database, then the first commits.
        worker = threading.Thread(target=approve_second)
        worker.start()
        time.sleep(0.5)
        session.commit()
        worker.join(timeout=30)
        assert not worker.is_alive()
    finally:
        session.close()

    assert_problem(result["response"], 409, "conflict")
    statuses = {p["id"]: p["status"] for p in api.get("/plans", admin).json["items"]}
    assert statuses == {first: "approved", second: "submitted"}
    assert [int(e.subject) for e in outbox("sinergi.plan.approved")] == [first]
