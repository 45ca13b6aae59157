"""Marshmallow schemas for master plans and programmes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, fields, validate

from core.api.common import PageArgs, page_schema
from core.plans.models import PLAN_STATUSES
from core.plans.services import PLAN_SORTS
from core.taxonomy import DIMENSIONS, HORIZONS, PROGRAMME_STATUSES, SUB_DIMENSIONS


class ProgrammeSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    dimension = fields.String(required=True, validate=validate.OneOf(list(DIMENSIONS)))
    sub_dimension = fields.String(required=True, validate=validate.OneOf(list(SUB_DIMENSIONS)))
    horizon = fields.String(load_default="short", validate=validate.OneOf(HORIZONS))
    quick_win = fields.Boolean(load_default=False)
    budget_idr = fields.Integer(load_default=0, strict=True,
                                validate=validate.Range(min=0, max=10**15))
    status = fields.String(load_default="planned", validate=validate.OneOf(PROGRAMME_STATUSES))


class PlanListItemSchema(Schema):
    id = fields.Integer()
    region_code = fields.String()
    region_name = fields.Function(lambda p: p.region.name)
    title = fields.String()
    period_start = fields.Integer()
    period_end = fields.Integer()
    status = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)


PlanPage = page_schema(PlanListItemSchema, "PlanPage")


class PlanSchema(PlanListItemSchema):
    vision = fields.String()
    readiness_notes = fields.String()
    programmes = fields.List(fields.Nested(ProgrammeSchema))


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def programme_body(prog: Any) -> dict[str, Any]:
    """What :class:`ProgrammeSchema` dumps, as a plain function (several times cheaper; a test
    compares the two field by field)."""
    return {
        "id": _int(prog.id),
        "title": prog.title,
        "description": prog.description,
        "dimension": prog.dimension,
        "sub_dimension": prog.sub_dimension,
        "horizon": prog.horizon,
        "quick_win": None if prog.quick_win is None else bool(prog.quick_win),
        "budget_idr": _int(prog.budget_idr),
        "status": prog.status,
    }


def plan_list_item_body(plan: Any) -> dict[str, Any]:
    """What :class:`PlanListItemSchema` dumps, as a plain function."""
    return {
        "id": _int(plan.id),
        "region_code": plan.region_code,
        "region_name": plan.region.name,
        "title": plan.title,
        "period_start": _int(plan.period_start),
        "period_end": _int(plan.period_end),
        "status": plan.status,
        "version": _int(plan.version),
        "created_at": _iso(plan.created_at),
        "updated_at": _iso(plan.updated_at),
        "submitted_at": _iso(plan.submitted_at),
        "approved_at": _iso(plan.approved_at),
    }


def plan_body(plan: Any) -> dict[str, Any]:
    """What :class:`PlanSchema` dumps, as a plain function (a plan with 18 programmes: about
    50 µs instead of 200 µs)."""
    body = plan_list_item_body(plan)
    body["vision"] = plan.vision
    body["readiness_notes"] = plan.readiness_notes
    body["programmes"] = [programme_body(prog) for prog in plan.programmes]
    return body


class PlanListArgs(PageArgs):
    SORTS = tuple(PLAN_SORTS)

    region = fields.String(validate=validate.Regexp(r"^\d{2}\.\d{2}$"))
    province = fields.String(validate=validate.Regexp(r"^\d{2}$"))
    status = fields.String(validate=validate.OneOf(PLAN_STATUSES))
    period = fields.Integer(validate=validate.Range(min=2000, max=2100))
    q = fields.String(validate=validate.Length(max=100))


class PlanFieldsSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    period_start = fields.Integer(strict=True, validate=validate.Range(min=2000, max=2100))
    period_end = fields.Integer(strict=True, validate=validate.Range(min=2000, max=2100))
    vision = fields.String(validate=validate.Length(max=10000))
    readiness_notes = fields.String(validate=validate.Length(max=20000))
    programmes = fields.List(fields.Nested(ProgrammeSchema), validate=validate.Length(max=200))


class PlanCreateSchema(PlanFieldsSchema):
    region_code = fields.String(required=True, validate=validate.Regexp(r"^\d{2}\.\d{2}$"))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    period_start = fields.Integer(required=True, strict=True,
                                  validate=validate.Range(min=2000, max=2100))
    period_end = fields.Integer(required=True, strict=True,
                                validate=validate.Range(min=2000, max=2100))


class ReasonSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=5000))


class TransitionSchema(Schema):
    id = fields.Integer()
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String()
    reason = fields.String()
    at = fields.DateTime()
