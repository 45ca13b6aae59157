"""Webhook services: registration and management (API, pages), fan-out and sending (worker).

Authorisation: an organisation's admins (and platform admins) manage its webhooks; to anyone
else a webhook does not exist (404), so other organisations learn nothing about it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from core.plugin import (
    AuthenticationRequired,
    Conflict,
    Event,
    NotFound,
    Page,
    PermissionDenied,
    Principal,
    StaleVersion,
    ValidationFailed,
    _l,
    directory,
    paginate,
    record_event,
    utcnow,
)
from plugins.webhooks import audience, patterns, secret_box, sender, signing, targets
from plugins.webhooks.events import DELIVERY_REQUESTED, DISABLED, PING, SOURCE
from plugins.webhooks.models import Attempt, Delivery, Webhook, WebhookEvent

WEBHOOK_SORTS = {"created": Webhook.id, "url": Webhook.url}
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
EDITABLE = ("url", "description", "event_types", "active")

# ---------------------------------------------------------------- authorisation


def can_manage(actor: Principal | None, organisation_id: int) -> bool:
    """Organisation admins and platform admins manage an organisation's webhooks."""
    return actor is not None and (actor.is_admin or actor.is_org_admin(organisation_id))


def managed_organisations(actor: Principal) -> list[int]:
    """Organisations whose webhooks ``actor`` manages (not counting platform-admin rights)."""
    return sorted({r.organisation_id for r in actor.roles if r.role == "admin"})


def _actor(actor: Principal | None) -> Principal:
    if actor is None:
        raise AuthenticationRequired()
    return actor


def get_webhook(session: Session, actor: Principal | None, webhook_id: int) -> Webhook:
    """A webhook its manager may see; NotFound for everyone else."""
    actor = _actor(actor)
    webhook = session.get(Webhook, webhook_id)
    if webhook is None or not can_manage(actor, webhook.organisation_id):
        raise NotFound(_l("Webhook %(id)s was not found.", id=webhook_id))
    return webhook


# ---------------------------------------------------------------- validation


def _check_fields(data: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """Normalise and validate url, description and event_types; ValidationFailed lists all."""
    errors: dict[str, list[Any]] = {}
    clean = dict(data)
    if "url" in data:
        url = str(data["url"]).strip()
        clean["url"] = url
        try:
            targets.check(url, allow_private=bool(config.get("allow_private_targets")))
        except targets.TargetRefused as refused:
            errors["url"] = [refused.message]
    if "description" in data:
        clean["description"] = str(data["description"]).strip()[:200]
    if "event_types" in data:
        clean["event_types"] = patterns.normalise(data["event_types"])
        problems = patterns.pattern_problems(clean["event_types"])
        if problems:
            errors["event_types"] = problems
    if errors:
        raise ValidationFailed(errors=errors)
    return clean


# ---------------------------------------------------------------- management


def list_webhooks(
    session: Session,
    actor: Principal | None,
    *,
    organisation_id: int | None = None,
    active: bool | None = None,
    page: int = 1,
    per_page: int = 20,
    sort: str = "created",
    descending: bool = False,
) -> Page[Webhook]:
    """Webhooks of the organisations the actor manages (platform admins: all), one query."""
    actor = _actor(actor)
    stmt = select(Webhook)
    if not actor.is_admin:
        stmt = stmt.where(Webhook.organisation_id.in_(managed_organisations(actor)))
    if organisation_id is not None:
        stmt = stmt.where(Webhook.organisation_id == organisation_id)
    if active is not None:
        stmt = stmt.where(Webhook.active.is_(active))
    column = WEBHOOK_SORTS.get(sort, Webhook.id)
    stmt = stmt.order_by(column.desc() if descending else column, Webhook.id)
    return paginate(session, stmt, page, per_page)


def _organisation_for_new(session: Session, actor: Principal, organisation_id: int | None) -> int:
    if organisation_id is None:
        managed = managed_organisations(actor)
        if len(managed) == 1:
            return managed[0]
        if not managed and not actor.is_admin:
            raise PermissionDenied(_l("Only the organisation's administrators manage its "
                                      "webhooks."))
        raise ValidationFailed(errors={"organisation_id": [
            _l("Choose the organisation the webhook belongs to.")]})
    try:
        directory.get_organisation(session, organisation_id)
    except NotFound:
        raise ValidationFailed(errors={"organisation_id": [
            _l("There is no organisation %(id)s.", id=organisation_id)]}) from None
    if not can_manage(actor, organisation_id):
        raise PermissionDenied(_l("Only the organisation's administrators manage its "
                                  "webhooks."))
    return organisation_id


def create_webhook(
    session: Session,
    actor: Principal | None,
    config: dict[str, Any],
    *,
    url: str,
    event_types: list[str],
    description: str = "",
    active: bool = True,
    organisation_id: int | None = None,
) -> tuple[Webhook, str]:
    """Register a webhook; returns it with its secret (the only time the secret is shown)."""
    actor = _actor(actor)
    org_id = _organisation_for_new(session, actor, organisation_id)
    clean = _check_fields(
        {"url": url, "event_types": event_types, "description": description}, config
    )
    count = session.scalar(
        select(func.count()).select_from(Webhook).where(Webhook.organisation_id == org_id)
    )
    limit = int(config.get("max_webhooks_per_organisation", 20))
    if (count or 0) >= limit:
        raise Conflict(_l("An organisation can have at most %(count)s webhooks.", count=limit))
    secret = signing.new_secret()
    now = utcnow()
    webhook = Webhook(
        organisation_id=org_id, url=clean["url"], description=clean["description"],
        event_types=clean["event_types"], active=bool(active),
        disabled_reason="" if active else "manual", disabled_at=None if active else now,
        consecutive_failures=0, secret_encrypted=secret_box.seal(config, secret),
        secret_hint=signing.hint(secret), secret_rotated_at=now, previous_secret_encrypted="",
        created_by=actor.user_id or None, created_at=now, updated_at=now, version=1,
    )
    session.add(webhook)
    session.flush()
    return webhook, secret


def update_webhook(
    session: Session,
    actor: Principal | None,
    config: dict[str, Any],
    webhook_id: int,
    data: dict[str, Any],
    *,
    expected_version: int | None,
) -> Webhook:
    """Change url, description, event types or the active flag. Switching a webhook on
    again clears its failure count."""
    webhook = get_webhook(session, actor, webhook_id)
    if expected_version is not None and webhook.version != expected_version:
        raise StaleVersion()
    changes = {k: v for k, v in data.items() if k in EDITABLE}
    clean = _check_fields({k: v for k, v in changes.items() if k != "active"}, config)
    now = utcnow()
    for key in ("url", "description", "event_types"):
        if key in clean and getattr(webhook, key) != clean[key]:
            setattr(webhook, key, clean[key])
    if "active" in changes and bool(changes["active"]) != webhook.active:
        _set_active(webhook, bool(changes["active"]), now)
    if session.is_modified(webhook):
        webhook.updated_at = now
        webhook.version += 1
    session.flush()
    return webhook


def _set_active(webhook: Webhook, active: bool, now: dt.datetime) -> None:
    webhook.active = active
    if active:
        webhook.disabled_reason, webhook.disabled_at = "", None
        webhook.consecutive_failures = 0
    else:
        webhook.disabled_reason, webhook.disabled_at = "manual", now


def set_active(session: Session, actor: Principal | None, config: dict[str, Any],
               webhook_id: int, active: bool) -> Webhook:
    """Switch a webhook on (re-enable after an auto-disable) or off."""
    return update_webhook(session, actor, config, webhook_id, {"active": active},
                          expected_version=None)


def delete_webhook(session: Session, actor: Principal | None, webhook_id: int) -> None:
    """Remove a webhook with its delivery log."""
    webhook = get_webhook(session, actor, webhook_id)
    session.delete(webhook)
    session.flush()


def rotate_secret(
    session: Session, actor: Principal | None, config: dict[str, Any], webhook_id: int
) -> tuple[Webhook, str]:
    """A new secret; the old one keeps signing (second signature) for the grace period."""
    webhook = get_webhook(session, actor, webhook_id)
    now = utcnow()
    grace = float(config.get("rotation_grace_hours", 24.0))
    if grace > 0:
        webhook.previous_secret_encrypted = webhook.secret_encrypted
        webhook.previous_secret_expires_at = now + dt.timedelta(hours=grace)
    else:
        webhook.previous_secret_encrypted, webhook.previous_secret_expires_at = "", None
    secret = signing.new_secret()
    webhook.secret_encrypted = secret_box.seal(config, secret)
    webhook.secret_hint = signing.hint(secret)
    webhook.secret_rotated_at = now
    webhook.updated_at = now
    webhook.version += 1
    session.flush()
    return webhook, secret


def ping(session: Session, actor: Principal | None, webhook_id: int) -> str:
    """Ask for a test delivery (``sinergi.webhook.ping``) to this webhook; returns the event
    id. The webhook must be active."""
    webhook = get_webhook(session, actor, webhook_id)
    if not webhook.active:
        raise Conflict(_l("The webhook is switched off. Switch it on first."))
    actor = _actor(actor)
    row = record_event(
        session, PING, subject=webhook.id, sequence=webhook.version, source=SOURCE,
        data={"webhook_id": webhook.id, "organisation_id": webhook.organisation_id,
              "requested_by": actor.user_id or None,
              "message": "Test delivery from Sinergi: your webhook is reachable."},
    )
    return row.id


# ---------------------------------------------------------------- the delivery log


@dataclass(frozen=True)
class DeliveryLog:
    """One page of deliveries with their attempts (oldest attempt first)."""

    page: Page[Delivery]
    attempts: dict[int, list[Attempt]]


def list_deliveries(
    session: Session,
    actor: Principal | None,
    webhook_id: int,
    *,
    status: str | None = None,
    page: int = 1,
    per_page: int = 20,
    newest_first: bool = True,
) -> DeliveryLog:
    """A webhook's deliveries (newest first by default) with their attempts (two queries)."""
    get_webhook(session, actor, webhook_id)
    stmt = select(Delivery).where(Delivery.webhook_id == webhook_id)
    if status:
        stmt = stmt.where(Delivery.status == status)
    order = Delivery.id.desc() if newest_first else Delivery.id
    result = paginate(session, stmt.order_by(order), page, per_page)
    attempts: dict[int, list[Attempt]] = {d.id: [] for d in result.items}
    if attempts:
        for attempt in session.scalars(
            select(Attempt).where(Attempt.delivery_id.in_(list(attempts)))
            .order_by(Attempt.delivery_id, Attempt.number, Attempt.id)
        ):
            attempts[attempt.delivery_id].append(attempt)
    return DeliveryLog(result, attempts)


def redeliver(
    session: Session, actor: Principal | None, webhook_id: int, delivery_id: int
) -> Delivery:
    """Send a delivery's event again, as a new delivery (same event id, new delivery id)."""
    webhook = get_webhook(session, actor, webhook_id)
    original = session.get(Delivery, delivery_id)
    if original is None or original.webhook_id != webhook.id:
        raise NotFound(_l("Delivery %(id)s was not found.", id=delivery_id))
    if not webhook.active:
        raise Conflict(_l("The webhook is switched off. Switch it on first."))
    last_round = session.scalar(
        select(func.max(Delivery.round))
        .where(Delivery.webhook_id == webhook.id, Delivery.event_id == original.event_id)
    )
    now = utcnow()
    delivery = Delivery(
        webhook_id=webhook.id, event_id=original.event_id, event_type=original.event_type,
        round=(last_round or 0) + 1, status="pending", attempts=0,
        requested_by=_actor(actor).user_id or None, created_at=now, updated_at=now,
    )
    session.add(delivery)
    session.flush()
    _request(functools.partial(record_event, session), delivery, webhook.organisation_id)
    return delivery


def _request(emit: Callable[..., Any], delivery: Delivery, organisation_id: int, *,
             attempt: int = 1, not_before: dt.datetime | None = None) -> None:
    """Publish the work item for attempt ``attempt`` of a delivery, due at ``not_before``."""
    due = not_before or utcnow()
    emit(
        DELIVERY_REQUESTED, subject=delivery.id, sequence=attempt, source=SOURCE,
        data={"delivery_id": delivery.id, "webhook_id": delivery.webhook_id,
              "organisation_id": organisation_id, "event_id": delivery.event_id,
              "event_type": delivery.event_type, "round": delivery.round,
              "attempt": attempt, "not_before": due.isoformat().replace("+00:00", "Z")},
    )


def retry_delay(config: dict[str, Any], failed_attempts: int) -> float:
    """Seconds to wait after the n-th failed attempt: doubling, capped, 75–100 % jitter."""
    base = float(config.get("retry_base_seconds", 10.0))
    maximum = float(config.get("retry_max_seconds", 3600.0))
    return min(maximum, base * 2 ** max(0, failed_attempts - 1)) * random.uniform(0.75, 1.0)


# ---------------------------------------------------------------- fan-out (worker)


def fan_out(session: Session, config: dict[str, Any], event: Event,
            emit: Callable[..., Any]) -> list[int]:
    """Write one delivery per webhook that should receive ``event`` and request each
    (``sinergi.webhook.delivery_requested``). Idempotent: a replay adds nothing new."""
    if audience.never_sent(event.type, config.get("withheld_event_types") or []):
        return []
    stmt = select(Webhook).where(Webhook.active.is_(True)).order_by(Webhook.id)
    happened = _event_time(event.time)
    if happened is not None and event.type != PING:
        # A webhook receives what happened after it was registered.
        stmt = stmt.where(Webhook.created_at <= happened)
    webhooks = list(session.scalars(stmt))
    regions: dict[int, str | None] = {}
    if webhooks and audience.needs_region(event.type, event.data):
        orgs = directory.list_organisations(
            session, ids=sorted({w.organisation_id for w in webhooks}))
        regions = {o.id: o.region_code for o in orgs}
    chosen = [
        w for w in webhooks
        if audience.may_receive(
            event.type, event.data, webhook_id=w.id, organisation_id=w.organisation_id,
            patterns=w.event_types or [], organisation_region=regions.get(w.organisation_id))
    ]
    if not chosen:
        return []
    if session.get(WebhookEvent, event.id) is None:
        session.add(WebhookEvent(
            id=event.id, type=event.type, source=event.source, subject=event.subject,
            time=event.time, sequence=event.sequence, data=event.data, received_at=utcnow(),
        ))
        session.flush()
    done = set(session.scalars(
        select(Delivery.webhook_id).where(Delivery.event_id == event.id, Delivery.round == 0)
    ))
    now = utcnow()
    created = []
    for webhook in chosen:
        if webhook.id in done:
            continue
        delivery = Delivery(webhook_id=webhook.id, event_id=event.id, event_type=event.type,
                            round=0, status="pending", attempts=0, created_at=now,
                            updated_at=now)
        session.add(delivery)
        session.flush()
        _request(emit, delivery, webhook.organisation_id)
        created.append(delivery.id)
    return created


def _event_time(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# ---------------------------------------------------------------- sending (worker)


@dataclass(frozen=True)
class Job:
    """Everything one attempt needs, read before the HTTP call."""

    delivery_id: int
    webhook_id: int
    organisation_id: int
    url: str
    status: str
    webhook_active: bool
    attempts: int
    secret_encrypted: str
    previous_secret_encrypted: str
    previous_secret_expires_at: dt.datetime | None
    envelope: dict[str, Any]


FINAL = ("delivered", "failed", "skipped")


def load_job(session: Session, delivery_id: int) -> Job | None:
    """The delivery with its webhook and event (one query), or None if it is gone."""
    row = session.execute(
        select(Delivery, Webhook, WebhookEvent)
        .join(Webhook, Webhook.id == Delivery.webhook_id)
        .join(WebhookEvent, WebhookEvent.id == Delivery.event_id)
        .where(Delivery.id == delivery_id)
    ).first()
    if row is None:
        return None
    delivery, webhook, stored = row
    return Job(
        delivery.id, webhook.id, webhook.organisation_id, webhook.url, delivery.status,
        webhook.active, delivery.attempts, webhook.secret_encrypted,
        webhook.previous_secret_encrypted, webhook.previous_secret_expires_at,
        stored.envelope(),
    )


def encode_body(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def attempt(job: Job, config: dict[str, Any], *, now: float | None = None) -> sender.Outcome:
    """Check the target again, sign and POST. Never raises: problems are outcomes."""
    started = time.monotonic()
    try:
        target = targets.check(job.url, allow_private=bool(config.get("allow_private_targets")))
        in_use = [secret_box.open_(config, job.secret_encrypted)]
        expires = job.previous_secret_expires_at
        if job.previous_secret_encrypted and expires is not None and expires > utcnow():
            in_use.append(secret_box.open_(config, job.previous_secret_encrypted))
    except targets.TargetRefused as refused:
        return sender.Outcome(None, 0, f"refused: {refused}"[:500], "")
    except secret_box.SecretUnavailable as exc:
        return sender.Outcome(None, int((time.monotonic() - started) * 1000), str(exc), "")
    body = encode_body(job.envelope)
    timestamp = int(now if now is not None else time.time())
    headers = {
        "Content-Type": CONTENT_TYPE,
        "User-Agent": str(config.get("user_agent") or "Sinergi-Webhooks/1.0"),
        "Sinergi-Webhook-Id": str(job.webhook_id),
        "Sinergi-Delivery-Id": str(job.delivery_id),
        "Sinergi-Event-Id": str(job.envelope["id"]),
        "Sinergi-Event-Type": str(job.envelope["type"]),
        "Sinergi-Attempt": str(job.attempts + 1),
        "Sinergi-Timestamp": str(timestamp),
        "Sinergi-Signature": signing.signature_header(in_use, timestamp, body),
    }
    return sender.post(
        target, body, headers,
        connect_timeout=float(config.get("connect_timeout_seconds", 5.0)),
        read_timeout=float(config.get("read_timeout_seconds", 10.0)),
        max_response_bytes=int(config.get("max_response_bytes", 65536)),
    )


def mark_skipped(session: Session, delivery_id: int, reason: str) -> None:
    """The webhook was switched off before this delivery went out."""
    session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status.not_in(FINAL))
        .values(status="skipped", last_error=reason[:500], updated_at=utcnow())
    )


def record_outcome(
    session: Session,
    config: dict[str, Any],
    job: Job,
    outcome: sender.Outcome,
    emit: Callable[..., Any],
    *,
    started_at: dt.datetime,
) -> str:
    """Log the attempt and move the delivery on: ``delivered``, ``retry`` (the next attempt
    is requested, due after the backoff) or ``failed``. A delivery that fails for good counts
    against its webhook, which is switched off (and ``sinergi.webhook.disabled`` published)
    after ``disable_after_failures`` in a row."""
    now = utcnow()
    delivery = session.get(Delivery, job.delivery_id, with_for_update=True,
                           populate_existing=True)
    if delivery is None:
        return "failed"
    delivery.attempts += 1
    delivery.updated_at = now
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:500]
    session.add(Attempt(
        delivery_id=delivery.id, number=delivery.attempts, started_at=started_at,
        duration_ms=outcome.duration_ms, status_code=outcome.status_code,
        success=outcome.success, error=outcome.error[:500],
        response_excerpt=outcome.response_excerpt[:500],
    ))
    already_final = delivery.status in FINAL
    if outcome.success:
        if not already_final:
            delivery.status, delivery.delivered_at = "delivered", now
        session.execute(
            update(Webhook).where(Webhook.id == job.webhook_id)
            .values(consecutive_failures=0, last_success_at=now)
        )
        return "delivered"
    session.execute(
        update(Webhook).where(Webhook.id == job.webhook_id).values(last_failure_at=now)
    )
    if already_final:
        return delivery.status
    if delivery.attempts < int(config.get("max_attempts", 12)):
        delivery.status = "retrying"
        due = now + dt.timedelta(seconds=retry_delay(config, delivery.attempts))
        _request(emit, delivery, job.organisation_id, attempt=delivery.attempts + 1,
                 not_before=due)
        return "retry"
    delivery.status = "failed"
    session.execute(
        update(Webhook).where(Webhook.id == job.webhook_id)
        .values(consecutive_failures=Webhook.consecutive_failures + 1)
    )
    webhook = session.get(Webhook, job.webhook_id, populate_existing=True)
    limit = int(config.get("disable_after_failures", 5))
    if webhook is not None and webhook.active and webhook.consecutive_failures >= limit:
        webhook.active = False
        webhook.disabled_reason, webhook.disabled_at = "failures", now
        webhook.version += 1
        webhook.updated_at = now
        host = urlsplit(webhook.url).hostname or ""
        emit(DISABLED, subject=webhook.id, sequence=webhook.version, source=SOURCE, data={
            "webhook_id": webhook.id, "organisation_id": webhook.organisation_id,
            "host": host, "reason": "failures",
            "consecutive_failures": webhook.consecutive_failures,
            "disabled_at": now.isoformat().replace("+00:00", "Z"),
        })
    return "failed"
    session.add(Attempt(
        delivery_id=delivery.id, number=delivery.attempts, started_at=started_at,
        duration_ms=outcome.duration_ms, status_code=outcome.status_code,
        success=outcome.success, error=outcome.error[:500],
        response_excerpt=outcome.response_excerpt[:500],
    ))
    already_final = delivery.status in FINAL
    if outcome.success:
        if not already_final:
            delivery.status, delivery.delivered_at = "delivered", now
        session.execute(
            update(Webhook).where(Webhook.id == job.webhook_id)
            .values(consecutive_failures=0, last_success_at=now)
        )
        return "delivered"
    session.execute(
        update(Webhook).where(Webhook.id == job.webhook_id).values(last_failure_at=now)
    )
    if already_final:
        return delivery.status
    if delivery.attempts < int(config.get("max_attempts", 12)):
        delivery.status = "retrying"
        return "retry"
    delivery.status = "failed"
    session.execute(
        update(Webhook).where(Webhook.id == job.webhook_id)
        .values(consecutive_failures=Webhook.consecutive_failures + 1)
    )
    webhook = session.get(Webhook, job.webhook_id)
    limit = int(config.get("disable_after_failures", 5))
    if webhook is not None and webhook.active and webhook.consecutive_failures >= limit:
        webhook.active = False
        webhook.disabled_reason, webhook.disabled_at = "failures", now
        webhook.version += 1
        webhook.updated_at = now
        host = urlsplit(webhook.url).hostname or ""
        emit(DISABLED, subject=webhook.id, sequence=webhook.version, source=SOURCE, data={
            "webhook_id": webhook.id, "organisation_id": webhook.organisation_id,
            "host": host, "reason": "failures",
            "consecutive_failures": webhook.consecutive_failures,
            "disabled_at": now.isoformat().replace("+00:00", "Z"),
        })
    return "failed"


def prune_delivery_log(session: Session, retention_days: int) -> tuple[int, int]:
    """Delete finished deliveries (delivered, failed, skipped; their attempts go with them)
    last changed more than ``retention_days`` ago, then the event copies no delivery uses.
    Pending and retrying deliveries stay whatever their age. Returns (deliveries, events)."""
    cutoff = utcnow() - dt.timedelta(days=retention_days)
    old = select(Delivery.id).where(Delivery.status.in_(FINAL), Delivery.updated_at < cutoff)
    session.execute(delete(Attempt).where(Attempt.delivery_id.in_(old)))
    deliveries = session.execute(
        delete(Delivery).where(Delivery.status.in_(FINAL), Delivery.updated_at < cutoff))
    used = select(Delivery.event_id).distinct()
    events = session.execute(delete(WebhookEvent).where(
        WebhookEvent.received_at < cutoff, WebhookEvent.id.not_in(used)))
    return int(deliveries.rowcount or 0), int(events.rowcount or 0)
