"""Notification services: deliver an event's notification to its recipients (in-app and
e-mail, in each recipient's language, once per event), the notification centre, preferences,
and the daily digest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.plugin import (
    Event,
    NotFound,
    Page,
    Principal,
    ValidationFailed,
    _,
    _l,
    directory,
    paginate,
    utcnow,
)
from plugins.notifications import mail
from plugins.notifications.models import EMAIL_MODES, KINDS, Notification, Preference

DEFAULT_LOCALE = "id"
Render = Callable[[], tuple[str, str]]


def _locale(person: Any) -> str:
    return person.locale if person.locale in ("id", "en") else DEFAULT_LOCALE


def preferences_of(session: Session, user_ids: list[int]) -> dict[int, Preference]:
    if not user_ids:
        return {}
    rows = session.scalars(select(Preference).where(Preference.user_id.in_(user_ids)))
    return {p.user_id: p for p in rows}


def deliver(session: Session, config: dict[str, Any], instance_path: str, event: Event,
            kind: str, recipients: list[Any], render: Render, link: str) -> list[Notification]:
    """Create one notification per recipient for ``event`` (never twice for the same event
    and user), and send the immediate e-mails."""
    unique = {p.id: p for p in recipients}
    if not unique:
        return []
    already = set(session.scalars(select(Notification.user_id).where(
        Notification.event_id == event.id, Notification.user_id.in_(list(unique)))))
    prefs = preferences_of(session, list(unique))
    created = []
    now = utcnow()
    for user_id, person in sorted(unique.items()):
        pref = prefs.get(user_id)
        if user_id in already or (pref is not None and kind in (pref.muted_kinds or [])):
            continue
        with force_locale(_locale(person)):
            title, body = render()
            footer = _("See it on Sinergi: %(url)s", url=config["base_url"] + link)
        mode = pref.email_mode if pref is not None else "immediate"
        item = Notification(user_id=user_id, event_id=event.id, event_type=event.type,
                            kind=kind, title=title[:300], body=body, link=link,
                            created_at=now, email_status=mode)
        if mode == "immediate" and person.email:
            message = mail.build(config, person.email, title, f"{body}\n\n{footer}\n",
                                 f"{event.id}.{user_id}")
            mail.send(config, instance_path, message)
            item.email_status, item.emailed_at = "sent", now
        session.add(item)
        created.append(item)
    session.flush()
    return created


# ---------------------------------------------------------------- the notification centre


def list_notifications(session: Session, actor: Principal, *, unread: bool = False,
                       page: int = 1, per_page: int = 20) -> Page[Notification]:
    stmt = select(Notification).where(Notification.user_id == actor.user_id)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginate(session, stmt, page, per_page)


def unread_count(session: Session, actor: Principal) -> int:
    return int(session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == actor.user_id, Notification.read_at.is_(None))) or 0)


def mark_read(session: Session, actor: Principal, notification_id: int) -> Notification:
    item = session.get(Notification, notification_id)
    if item is None or item.user_id != actor.user_id:
        raise NotFound(_l("The notification was not found."))
    if item.read_at is None:
        item.read_at = utcnow()
    return item


def mark_all_read(session: Session, actor: Principal) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow()))
    return int(result.rowcount or 0)


def get_preferences(session: Session, actor: Principal) -> dict[str, Any]:
    pref = session.get(Preference, actor.user_id)
    muted = list(pref.muted_kinds or []) if pref else []
    return {"kinds": [k for k in KINDS if k not in muted],
            "email_mode": pref.email_mode if pref else "immediate"}


def set_preferences(session: Session, actor: Principal, kinds: list[str],
                    email_mode: str) -> dict[str, Any]:
    errors: dict[str, list[Any]] = {}
    if any(k not in KINDS for k in kinds):
        errors["kinds"] = [_l("Unknown kind of notification.")]
    if email_mode not in EMAIL_MODES:
        errors["email_mode"] = [_l("Choose immediately, a daily digest, or no e-mail.")]
    if errors:
        raise ValidationFailed(errors=errors)
    pref = session.get(Preference, actor.user_id)
    if pref is None:
        pref = Preference(user_id=actor.user_id)
        session.add(pref)
    pref.muted_kinds = [k for k in KINDS if k not in kinds]
    pref.email_mode = email_mode
    pref.updated_at = utcnow()
    session.flush()
    return get_preferences(session, actor)


# ---------------------------------------------------------------- the daily digest


def send_digest(session: Session, config: dict[str, Any], instance_path: str) -> int:
    """Mail each user their notifications waiting for the digest, one mail per user; returns
    the number of mails sent. Sent notifications are marked, so a second run sends nothing."""
    waiting = list(session.scalars(select(Notification).where(
        Notification.email_status == "daily").order_by(Notification.user_id,
                                                        Notification.created_at)))
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for item in waiting:
        by_user[item.user_id].append(item)
    people = {p.id: p for p in directory.get_people(session, list(by_user))}
    sent = 0
    now = utcnow()
    for user_id, items in by_user.items():
        person = people.get(user_id)
        if person is not None and person.email:
            with force_locale(_locale(person)):
                subject = _("Your Sinergi digest: %(count)s new notifications",
                            count=len(items))
                lines = [f"- {item.title}\n  {config['base_url']}{item.link}" for item in items]
                body = _("Here is what happened since the last digest:") + "\n\n" + \
                    "\n".join(lines) + "\n"
            key = f"digest.{user_id}.{items[-1].id}"
            mail.send(config, instance_path, mail.build(config, person.email, subject, body,
                                                         key))
            sent += 1
        for item in items:
            item.email_status, item.emailed_at = "sent", now
        session.flush()
    return sent
