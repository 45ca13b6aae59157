"""Master plan endpoints: list, create, edit, submit, approve, request revision, history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from core.api.common import IF_MATCH, NoBodySchema, etag, expected_version, page_body, page_options
from core.db import session
from core.errors import PermissionDenied
from core.plans import services
from core.plans.schemas import (
    PlanCreateSchema,
    PlanFieldsSchema,
    PlanListArgs,
    PlanPage,
    PlanSchema,
    ReasonSchema,
    TransitionSchema,
)
from core.web.auth import current_principal, require_principal

blp = Blueprint("plans", __name__, description="Master plans (rencana induk)")


def _with_etag(plan: Any, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return plan, status, {"ETag": etag("plan", plan.id, plan.version)}


@blp.route("/plans")
class Plans(MethodView):
    # A schema instance: given the class, webargs would build it anew on every request.
    @blp.arguments(PlanListArgs(), location="query")
    @blp.response(200, PlanPage)
    def get(self, args: dict[str, Any]):
        """Plans you may see: approved plans for everyone, drafts for their region's officers."""
        filters = services.PlanFilter(
            **{k: args.get(k) for k in ("region", "province", "status", "period", "q")}
        )
        page = services.list_plans(
            session(), current_principal(), filters, **page_options(args, "-updated")
        )
        return page_body(page)

    @blp.arguments(PlanCreateSchema)
    @blp.response(201, PlanSchema)
    def post(self, data: dict[str, Any]):
        """Start a draft plan for your region."""
        db = session()
        programmes = data.pop("programmes", [])
        region_code = data.pop("region_code")
        plan = services.create_plan(db, require_principal(), region_code, data, programmes)
        db.commit()
        return _with_etag(services.get_plan(db, current_principal(), plan.id), 201)


@blp.route("/plans/<int:plan_id>")
class PlanDetail(MethodView):
    @blp.response(200, PlanSchema)
    def get(self, plan_id: int):
        """One plan with its programmes. The ETag is needed to change it."""
        return _with_etag(services.get_plan(session(), current_principal(), plan_id))

    @blp.doc(**IF_MATCH)
    @blp.arguments(PlanFieldsSchema)
    @blp.response(200, PlanSchema)
    def patch(self, data: dict[str, Any], plan_id: int):
        """Edit a draft or a plan sent back; ``programmes`` replaces the list. Needs If-Match."""
        db = session()
        actor = require_principal()
        plan = services.get_plan(db, actor, plan_id)  # 404 for plans you cannot see,
        if not services.can_edit(actor, plan):  # and 403 for those you cannot edit,
            raise PermissionDenied()  # before 428 for a missing If-Match
        version = expected_version("plan", plan_id)
        programmes = data.pop("programmes", None)
        plan = services.update_plan(db, actor, plan_id, data, programmes,
                                    expected_version=version)
        db.commit()
        return _with_etag(plan)


def _transition(plan_id: int, action: Callable[..., Any], **kwargs: Any):
    db = session()
    version = expected_version("plan", plan_id, required=False)
    plan = action(db, require_principal(), plan_id, expected_version=version, **kwargs)
    db.commit()
    return _with_etag(services.get_plan(db, current_principal(), plan.id))


@blp.route("/plans/<int:plan_id>/submit")
class PlanSubmit(MethodView):
    @blp.arguments(NoBodySchema, required=False)
    @blp.response(200, PlanSchema)
    def post(self, _data: dict[str, Any], plan_id: int):
        """Submit for review: needs a programme in every dimension and exactly 3 quick wins."""
        return _transition(plan_id, services.submit_plan)


@blp.route("/plans/<int:plan_id>/approve")
class PlanApprove(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, PlanSchema)
    def post(self, data: dict[str, Any], plan_id: int):
        """Approve a submitted plan (admin)."""
        return _transition(plan_id, services.approve_plan, reason=data["reason"])


@blp.route("/plans/<int:plan_id>/request-revision")
class PlanRequestRevision(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, PlanSchema)
    def post(self, data: dict[str, Any], plan_id: int):
        """Send a submitted plan back to its region with a reason (admin)."""
        return _transition(plan_id, services.request_revision, reason=data["reason"])


@blp.route("/plans/<int:plan_id>/history")
class PlanHistory(MethodView):
    @blp.response(200, TransitionSchema(many=True))
    def get(self, plan_id: int):
        """The audit trail: every transition with who, when and why."""
        return services.history(session(), current_principal(), plan_id)
