"""Event handlers: who hears of what. Only events, never another plugin's code."""

from __future__ import annotations

from flask import current_app

from core.plugin import Event, Handler, HandlerContext, _, directory
from plugins.notifications import services


def _deliver(event: Event, ctx: HandlerContext, kind: str, recipients, render, link) -> None:
    services.deliver(ctx.session, ctx.config, current_app.instance_path, event, kind,
                     recipients, render, link)


def on_interest_expressed(event: Event, ctx: HandlerContext) -> None:
    """The region's officers hear of a new interest in their need."""
    data = event.data
    officers = directory.officers_of(ctx.session, data["region_code"])

    def render():
        return (_("%(org)s is interested in your need “%(need)s”",
                  org=data["org_name"], need=data["need_title"]),
                _("Read their message and accept or decline the interest."))

    _deliver(event, ctx, "interest_received", officers, render, f"/needs/{data['need_id']}")


def on_interest_decided(event: Event, ctx: HandlerContext) -> None:
    """The organisation's members hear the region's decision."""
    data = event.data
    members = directory.members_of(ctx.session, int(data["organisation_id"]))
    accepted = event.type.endswith(".accepted")

    def render():
        if accepted:
            return (_("Your interest in “%(need)s” was accepted", need=data["need_title"]),
                    _("A collaboration has been formed. Plan the first meeting."))
        return (_("Your interest in “%(need)s” was declined", need=data["need_title"]),
                _("The region gave its reason on the need's page."))

    _deliver(event, ctx, "interest_decided", members, render, f"/needs/{data['need_id']}")


def on_match_suggested(event: Event, ctx: HandlerContext) -> None:
    """A partner organisation's members hear of a new need that matches it well."""
    data = event.data
    if float(data["score"]) < ctx.config["match_threshold"]:
        return
    members = directory.members_of(ctx.session, int(data["organisation_id"]))
    percent = round(float(data["score"]) * 100)

    def render():
        return (_("A new need matches your organisation: “%(need)s”", need=data["need_title"]),
                _("Fit %(percent)s%% — see why it matches you and express your interest.",
                  percent=percent))

    _deliver(event, ctx, "match_suggested", members, render, f"/needs/{data['need_id']}")


def on_collaboration(event: Event, ctx: HandlerContext) -> None:
    """Both parties hear when a collaboration forms or changes stage."""
    data = event.data
    people = [*directory.officers_of(ctx.session, data["region_code"]),
              *directory.members_of(ctx.session, int(data["organisation_id"]))]
    stage = data.get("to_stage") or data.get("stage")

    def render():
        return (_("Collaboration on “%(need)s”: %(stage)s", need=data["need_title"],
                  stage=stage_label(stage)), _("The collaboration moved to a new stage."))

    _deliver(event, ctx, "collaboration", people, render,
             f"/collaborations/{data['collaboration_id']}")


def stage_label(stage: str) -> str:
    labels = {
        "interest": _("interest"), "meeting": _("meeting"), "mou_signed": _("MoU/PKS signed"),
        "pilot": _("pilot"), "contract": _("contract"), "completed": _("completed"),
        "stopped": _("stopped"),
    }
    return labels.get(stage, stage)


HANDLERS = [
    Handler("interest_expressed", ["sinergi.interest.expressed"], on_interest_expressed,
            description="Tell a region's officers about a new interest."),
    Handler("interest_decided", ["sinergi.interest.accepted", "sinergi.interest.declined"],
            on_interest_decided, description="Tell a partner the region's decision."),
    Handler("match_suggested", ["sinergi.match.suggested"], on_match_suggested,
            description="Tell a partner about a new need that matches it well."),
    Handler("collaboration", ["sinergi.collaboration.formed",
                              "sinergi.collaboration.stage_changed"], on_collaboration,
            description="Tell both parties about a collaboration's progress."),
]
