"""Event handlers (run in workers): keep the stored matches up to date."""

from __future__ import annotations

from flask import current_app

from core.plugin import Event, Handler, HandlerContext
from plugins.matchmaking import services
from plugins.matchmaking.index_store import index_for


def on_need_changed(event: Event, ctx: HandlerContext) -> None:
    """A need was posted or edited: rank the offers for it and store the matches."""
    services.compute_need_matches(ctx.session, index_for(current_app), int(event.data["need_id"]),
                                  ctx.config, ctx.emit)


def on_offer_changed(event: Event, ctx: HandlerContext) -> None:
    """An offer was published, edited or withdrawn: update the needs it affects."""
    services.compute_offer_matches(ctx.session, index_for(current_app),
                                   int(event.data["offer_id"]), ctx.config, ctx.emit)


HANDLERS = [
    Handler("match_need", ["sinergi.need.posted", "sinergi.need.updated"], on_need_changed,
            description="Compute and store the matches of a posted or edited need."),
    Handler("match_offer", ["sinergi.offer.published", "sinergi.offer.updated",
                            "sinergi.offer.withdrawn"], on_offer_changed,
            description="Update the matches of the needs an offer affects."),
]
