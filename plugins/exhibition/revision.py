"""The exhibition's change counter: bumped by every write, read to build ETags."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.plugin import utcnow
from plugins.exhibition.models import Revision

ROW_ID = 1


def bump(session: Session) -> None:
    """Count one change (in the caller's transaction)."""
    now = utcnow()
    result = session.execute(
        update(Revision).where(Revision.id == ROW_ID)
        .values(value=Revision.value + 1, changed_at=now)
    )
    if result.rowcount:
        return
    try:
        with session.begin_nested():
            session.add(Revision(id=ROW_ID, value=1, changed_at=now))
    except IntegrityError:  # created meanwhile by another transaction
        session.execute(update(Revision).where(Revision.id == ROW_ID)
                        .values(value=Revision.value + 1, changed_at=now))


def current(session: Session) -> tuple[int, dt.datetime | None]:
    """The counter and when it last changed (0, None before the first change)."""
    row = session.execute(
        select(Revision.value, Revision.changed_at).where(Revision.id == ROW_ID)
    ).first()
    return (row[0], row[1]) if row else (0, None)
