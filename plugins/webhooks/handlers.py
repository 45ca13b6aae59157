"""Event handlers, run by workers.

``fan_out`` (on ``sinergi.#``) only writes delivery rows and one
``sinergi.webhook.delivery_requested`` event per delivery, in the worker's transaction: it is
quick, and one receiver's failure can never cause re-sends to the others.

``send`` (on ``sinergi.webhook.delivery_requested``) makes one HTTP attempt per call. It ends
the worker's transaction before the HTTP call — holding a write transaction open through a
network call would block every other writer on SQLite, and the attempt log must survive a
failure — and commits the attempt log itself; then it raises when the delivery should be
retried, so the bus retries it with exponential backoff. Its idempotency therefore rests on
the delivery row (a delivery that is delivered, failed or skipped is never sent again), not on
the worker's record, which the early end of the transaction discards. Delivery to a receiver
is at least once: receivers deduplicate on ``Sinergi-Delivery-Id`` (or the event ``id``).
"""

from __future__ import annotations

from core.plugin import Event, HandlerContext, utcnow
from plugins.webhooks import services


class DeliveryFailed(Exception):
    """An attempt failed and the delivery will be retried."""


def fan_out(event: Event, ctx: HandlerContext) -> None:
    services.fan_out(ctx.session, ctx.config, event, ctx.emit)


def send(event: Event, ctx: HandlerContext) -> None:
    session = ctx.session
    delivery_id = int(event.data["delivery_id"])
    session.rollback()  # release the worker's write transaction (see the module docstring)
    job = services.load_job(session, delivery_id)
    session.commit()
    if job is None or job.status in services.FINAL:
        return
    if not job.webhook_active:
        services.mark_skipped(session, delivery_id, "webhook switched off before sending")
        session.commit()
        return
    started_at = utcnow()
    outcome = services.attempt(job, ctx.config)
    result = services.record_outcome(session, ctx.config, job, outcome, ctx.emit,
                                     started_at=started_at)
    session.commit()
    if result == "retry":
        raise DeliveryFailed(f"delivery {delivery_id}: {outcome.error}")
