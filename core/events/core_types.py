"""Event types emitted by core, each with the schema of its ``data``.

The catalogue for humans is ``docs/events.md``; keep both in step.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from core.events.registry import EventRegistry, EventType


class PlanSummary(Schema):
    plan_id = fields.Integer(required=True)
    region_code = fields.String(required=True)
    region_name = fields.String(required=True)
    province_code = fields.String(required=True)
    title = fields.String(required=True)
    period_start = fields.Integer(required=True)
    period_end = fields.Integer(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)
    actor_id = fields.Integer(required=True, allow_none=True)
    reason = fields.String(load_default="")


class PlanUpdated(PlanSummary):
    programme_count = fields.Integer(required=True)


class PlanSubmitted(PlanSummary):
    resubmission = fields.Boolean(required=True)
    programme_count = fields.Integer(required=True)
    quick_win_count = fields.Integer(required=True)


class ProgrammeData(Schema):
    programme_id = fields.Integer(required=True)
    title = fields.String(required=True)
    dimension = fields.String(required=True)
    sub_dimension = fields.String(required=True)
    horizon = fields.String(required=True)
    quick_win = fields.Boolean(required=True)
    budget_idr = fields.Integer(required=True)
    status = fields.String(required=True)


class PlanApproved(PlanSummary):
    vision = fields.String(required=True)
    programmes = fields.List(fields.Nested(ProgrammeData), required=True)


class OrganisationData(Schema):
    organisation_id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    region_code = fields.String(allow_none=True, required=True)
    verified = fields.Boolean(required=True)
    dimensions = fields.List(fields.String(), required=True)
    provinces_served = fields.List(fields.String(), required=True)


class RegionJoined(Schema):
    region_code = fields.String(required=True)
    region_name = fields.String(required=True)
    province_code = fields.String(required=True)
    cohort_year = fields.Integer(required=True)
    stage = fields.String(required=True)


class RegionStageChanged(RegionJoined):
    previous_stage = fields.String(required=True)
    reason = fields.String(load_default="")


CORE_EVENT_TYPES = (
    EventType("sinergi.plan.created", PlanSummary, "A region started a draft master plan."),
    EventType("sinergi.plan.updated", PlanUpdated, "A draft or revised master plan was edited."),
    EventType(
        "sinergi.plan.submitted",
        PlanSubmitted,
        "A master plan was submitted for review (resubmission=true after a revision).",
    ),
    EventType("sinergi.plan.approved", PlanApproved,
              "A master plan was approved; carries its programmes."),
    EventType(
        "sinergi.plan.revision_requested",
        PlanSummary,
        "A reviewer sent a master plan back to its region with a reason.",
    ),
    EventType("sinergi.organisation.created", OrganisationData, "An organisation registered."),
    EventType("sinergi.organisation.updated", OrganisationData,
              "An organisation's profile changed."),
    EventType("sinergi.organisation.verified", OrganisationData,
              "An admin verified an organisation."),
    EventType("sinergi.organisation.unverified", OrganisationData,
              "An admin withdrew an organisation's verification."),
    EventType("sinergi.region.joined", RegionJoined, "A region joined the movement in a cohort."),
    EventType("sinergi.region.stage_changed", RegionStageChanged,
              "A participating region moved to another stage."),
)


def register_core_event_types(registry: EventRegistry) -> None:
    """Register core's event types (idempotent)."""
    for event_type in CORE_EVENT_TYPES:
        registry.register(event_type)
