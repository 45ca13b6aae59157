"""Factories that create domain objects through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.accounts.principal import Principal
from core.accounts.services import create_token, create_user, load_principal
from core.db import Database
from core.taxonomy import DIMENSIONS

PASSWORD = "correct-horse-battery"
QUICK_WIN_SUBS = ("public_service", "health", "waste")


@dataclass
class Account:
    """A test user with its principal and ready-made API headers."""

    user_id: int
    email: str
    principal: Principal
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def full_programmes() -> list[dict[str, Any]]:
    """One programme per sub-dimension (18) with exactly three quick wins: a plan that may be
    submitted."""
    return [
        {
            "title": f"Program {sub}",
            "description": f"Program untuk {sub}",
            "dimension": dimension,
            "sub_dimension": sub,
            "horizon": "short",
            "quick_win": sub in QUICK_WIN_SUBS,
            "budget_idr": 1_000_000_000,
        }
        for dimension, subs in DIMENSIONS.items()
        for sub in subs
    ]


class Factory:
    """Creates users, organisations and plans, each in its own committed transaction."""

    def __init__(self, db: Database):
        self.db = db
        self._n = 0
        self.system = Principal(user_id=0, email="system", name="System", is_admin=True)

    def _next(self) -> int:
        self._n += 1
        return self._n

    def user(self, *, admin: bool = False, evaluator: bool = False, name: str = "") -> Account:
        """A user (optionally admin or evaluator) with an API token."""
        n = self._next()
        email = f"user{n}@example.test"
        with self.db.begin() as session:
            user = create_user(
                session, email=email, name=name or f"User {n}", password=PASSWORD,
                min_password_length=8, is_admin=admin, is_evaluator=evaluator,
            )
            token = create_token(session, user, "test").secret
            user_id = user.id
        return self.account(user_id, token)

    def account(self, user_id: int, token: str) -> Account:
        """Reload a user's principal (after memberships changed)."""
        with self.db.begin() as session:
            principal = load_principal(session, user_id)
        assert principal is not None
        return Account(user_id, principal.email, principal, token)

    def admin(self) -> Account:
        return self.user(admin=True, name="Admin")

    def evaluator(self) -> Account:
        return self.user(evaluator=True, name="Evaluator")

    def officer(self, region_code: str = "32.73", role: str = "member") -> Account:
        """An officer of a region (member of its government organisation)."""
        from core.orgs import services as orgs
        from core.orgs.models import Membership

        account = self.user(name=f"Officer {region_code}")
        with self.db.begin() as session:
            org = orgs.government_org_for(session, self.system, region_code)
            session.add(Membership(user_id=account.user_id, organisation_id=org.id, role=role))
        return self.account(account.user_id, account.token)

    def partner(self, org_type: str = "business", **profile: Any) -> tuple[Account, int]:
        """A user who is admin of a new organisation; returns (account, organisation id)."""
        from core.orgs import services as orgs

        account = self.user(name=f"Partner {org_type}")
        profile.setdefault("name", f"Org {self._next()}")
        with self.db.begin() as session:
            org = orgs.create_organisation(session, account.principal, type=org_type, **profile)
            org_id = org.id
        return self.account(account.user_id, account.token), org_id

    def join(self, region_code: str, cohort_year: int = 2017, stage: str = "selected") -> None:
        """Make a region a participant of the movement."""
        from core.regions import services as regions

        with self.db.begin() as session:
            regions.join_movement(session, self.system, region_code, cohort_year, stage)

    def plan(
        self,
        officer: Account,
        region_code: str = "32.73",
        *,
        status: str = "draft",
        complete: bool = True,
        period_start: int = 2024,
        reviewer: Account | None = None,
    ) -> int:
        """A plan in ``status`` (draft, submitted, revision_requested, resubmitted, approved)."""
        from core.plans import services as plans

        reviewer = reviewer or self.admin()
        with self.db.begin() as session:
            plan = plans.create_plan(
                session, officer.principal, region_code,
                {"title": "Rencana Induk Kota Cerdas", "period_start": period_start,
                 "period_end": period_start + 4, "vision": "Kota cerdas untuk semua."},
                full_programmes() if complete else [],
            )
            plan_id = plan.id
            if status == "draft":
                return plan_id
            plans.submit_plan(session, officer.principal, plan_id)
            if status == "submitted":
                return plan_id
            if status == "approved":
                plans.approve_plan(session, reviewer.principal, plan_id, "ok")
                return plan_id
            plans.request_revision(session, reviewer.principal, plan_id, "Tolong lengkapi.")
            if status == "revision_requested":
                return plan_id
            plans.submit_plan(session, officer.principal, plan_id)
            assert status == "resubmitted", status
        return plan_id
