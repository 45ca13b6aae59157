"""Master plan endpoints: list, create, edit, submit, approve, request revision, history."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_babel import get_locale
from flask_smorest import Blueprint

from core.api.common import (
    IF_MATCH,
    NoBodySchema,
    dump_json,
    etag,
    expected_version,
    json_response,
    not_modified,
    page_body,
    page_options,
    read_connection,
)
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
    plan_body,
)
from core.web.auth import current_principal, require_principal

blp = Blueprint("plans", __name__, description="Master plans (rencana induk)")


def _with_etag(plan: Any, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return plan, status, {"ETag": etag("plan", plan.id, plan.version)}


class PublicPlanBodies:
    """Serialised JSON bodies of public (approved) plans, kept by this process.

    An entry is keyed by the plan's id and holds the plan's stamp (version, last change and
    region name) with one body per language. A body is only served for the same stamp, read
    from the database in the same request, so it is never stale: a new version replaces the
    entry (invalidation by version). Only public plans are stored, and only public plans are
    looked up: anything else goes through the access check of ``services.get_plan``.
    """

    def __init__(self, max_plans: int = 256):
        self.max_plans = max_plans
        self._entries: OrderedDict[int, tuple[services.PlanStamp, dict[str, bytes]]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def get(self, stamp: services.PlanStamp, language: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(stamp.id)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(stamp.id)
            return entry[1].get(language)

    def put(self, stamp: services.PlanStamp, language: str, body: bytes) -> None:
        if not stamp.public:
            raise ValueError("only public plans may be kept")
        with self._lock:
            entry = self._entries.get(stamp.id)
            if entry is None or entry[0] != stamp:
                entry = self._entries[stamp.id] = (stamp, {})
            entry[1][language] = body
            self._entries.move_to_end(stamp.id)
            while len(self._entries) > self.max_plans:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def public_plan_bodies() -> PublicPlanBodies:
    """This application's cache of public plan bodies (one per process and application)."""
    return current_app.extensions.setdefault("sinergi.public_plan_bodies", PublicPlanBodies())


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
        """One plan with its programmes. The ETag is needed to change it; sent as
        ``If-None-Match``, it gets 304 while the plan is unchanged."""
        with read_connection() as connection:
            stamp = services.plan_stamp(connection, plan_id)
        if stamp is not None and stamp.public:
            # Public (approved) plans: everyone may see them, and they no longer change.
            tag = etag("plan", plan_id, stamp.version)
            if not_modified(tag):
                return json_response(b"", tag)
            language = str(get_locale())
            cache = public_plan_bodies()
            body = cache.get(stamp, language)
            if body is None:
                plan = services.get_plan(session(), current_principal(), plan_id)
                body = dump_json(plan_body(plan))
                loaded = services.plan_stamp_of(plan)
                if loaded.public:
                    cache.put(loaded, language, body)
                tag = etag("plan", plan_id, plan.version)
            return json_response(body, tag)
        # Everything else passes the access check (404 for plans the caller may not see).
        plan = services.get_plan(session(), current_principal(), plan_id)
        return json_response(dump_json(plan_body(plan)), etag("plan", plan.id, plan.version))

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
