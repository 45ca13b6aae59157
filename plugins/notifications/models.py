"""The notifications plugin's tables: notifications (one per recipient and event) and each
user's preferences."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin import BigIntPK, Model, UTCDateTime, utcnow

KINDS = ("interest_received", "interest_decided", "match_suggested", "collaboration")
EMAIL_MODES = ("immediate", "daily", "off")


class Notification(Model):
    """A message for one user about one event, rendered in the user's language."""

    __tablename__ = "notifications_items"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_notifications_items_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: "immediate" (sent with the event), "daily" (waiting for the digest), "off", "sent".
    email_status: Mapped[str] = mapped_column(String(20), default="off", index=True)
    emailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Preference(Model):
    """A user's choices: which kinds to receive, and how e-mail arrives."""

    __tablename__ = "notifications_preferences"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    muted_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    email_mode: Mapped[str] = mapped_column(String(20), default="immediate")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
