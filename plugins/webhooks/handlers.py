"""Event handlers, run by workers.

``fan_out`` (on ``sinergi.#``) only writes delivery rows and one
``sinergi.webhook.delivery_requested`` event per delivery: it is quick, and one receiver's
failure can never cause re-sends to the others.

``send`` (on ``sinergi.webhook.delivery_requested``) makes one HTTP attempt per work item and
records it in the handler's own transaction, as every handler does (so the worker may batch
handlers: ``send`` never commits or rolls back itself). A failed attempt is *not* raised:
it is logged, and the next attempt is requested as a new work item carrying the time it is
due (``not_before``, after an exponential backoff). A work item that arrives early raises
``NotDue`` before any HTTP call, and the bus brings it back later with its own backoff. So
the log of every attempt survives, the delays follow the plugin's configuration (up to
hours), and a replayed work item is recognised by its attempt number and not sent twice.
"""

from __future__ import annotations

import datetime as dt

from core.plugin import Event, HandlerContext, utcnow
from plugins.webhooks import services


class NotDue(Exception):
    """The work item's attempt is not due yet; the bus retries it later."""


def fan_out(event: Event, ctx: HandlerContext) -> None:
    services.fan_out(ctx.session, ctx.config, event, ctx.emit)


def _due(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def send(event: Event, ctx: HandlerContext) -> None:
    session = ctx.session
    delivery_id = int(event.data["delivery_id"])
    due = _due(event.data.get("not_before", ""))
    if due is not None and due > utcnow():
        raise NotDue(f"delivery {delivery_id} attempt {event.data.get('attempt')} is due "
                     f"at {event.data.get('not_before')}")
    job = services.load_job(session, delivery_id)
    if job is None or job.status in services.FINAL:
        return
    if job.attempts >= int(event.data.get("attempt", 1)):
        return  # this attempt was made already (a replayed work item)
    if not job.webhook_active:
        services.mark_skipped(session, delivery_id, "webhook switched off before sending")
        return
    started_at = utcnow()
    outcome = services.attempt(job, ctx.config)
    services.record_outcome(session, ctx.config, job, outcome, ctx.emit,
                            started_at=started_at)
