"""Event handlers: the booth follows the platform through events (run by workers)."""

from __future__ import annotations

from core.plugin import Event, Handler, HandlerContext, NotFound, directory
from plugins.exhibition import events, projections, revision


def on_plan_approved(event: Event, ctx: HandlerContext) -> None:
    projections.apply_plan_approved(ctx.session, event.data, event.sequence)


def on_evaluation_completed(event: Event, ctx: HandlerContext) -> None:
    projections.apply_evaluation(ctx.session, event.data, event.sequence)


def on_collaboration_formed(event: Event, ctx: HandlerContext) -> None:
    """The payload names the organisation by id; its name and type come from the directory."""
    data = dict(event.data)
    org_id = data.get("organisation_id")
    if org_id is not None and not data.get("organisation_name"):
        try:
            org = directory.get_organisation(ctx.session, int(org_id))
        except (NotFound, TypeError, ValueError):
            org = None
        if org is not None:
            data.update(organisation_name=org.name, organisation_type=org.type)
    projections.apply_collaboration(ctx.session, data)


def on_region_changed(event: Event, ctx: HandlerContext) -> None:
    """Participation changed: the hall's figures change, so its ETag must."""
    revision.bump(ctx.session)


def event_handlers() -> list[Handler]:
    return [
        Handler("plan_summary", [events.PLAN_APPROVED], on_plan_approved,
                description="Booth: master plan summary, programmes and quick wins."),
        Handler("evaluation_scores", [events.EVALUATION_COMPLETED], on_evaluation_completed,
                description="Booth and hall: scores, rank, awards, assessor-verified badge."),
        Handler("partners", [events.COLLABORATION_FORMED], on_collaboration_formed,
                description="Booth: the partners a region works with."),
        Handler("participation", [events.REGION_JOINED, events.REGION_STAGE_CHANGED],
                on_region_changed, description="Hall: refresh after participation changes."),
    ]
