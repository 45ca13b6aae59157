"""The per-process match index, kept correct across processes through the change log.

Every service that creates or changes a need or an offer also writes an ``IndexChange`` row in
the same transaction. Before answering, a process reads the change rows it has not applied
yet (one indexed query) and reloads those documents from the database. Ids can commit out of
order, so the process remembers which ids it has seen above its floor, and only gives up on a
gap (an id of a rolled-back transaction) after ``GAP_SECONDS``.

``sinergi match prune`` deletes change rows older than ``index_change_retention_hours``. A
process whose index went unsynced for half that time rebuilds it instead of reading the log,
so it never misses a pruned change.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.plugin import utcnow
from plugins.matchmaking import engine
from plugins.matchmaking.models import IndexChange, Need, Offer

GAP_SECONDS = 30.0


def offer_doc(row: Offer) -> engine.OfferDoc:
    return engine.make_offer(
        id=row.id, organisation_id=row.organisation_id, org_type=row.org_type,
        title=row.title, description=row.description,
        dimensions=frozenset(row.dimensions or ()),
        sub_dimensions=frozenset(row.sub_dimensions or ()),
        provinces=frozenset(row.provinces or ()), national=bool(row.national),
        price_min=row.price_min, price_max=row.price_max,
    )


def need_doc(row: Need) -> engine.NeedDoc:
    return engine.make_need(
        id=row.id, region_code=row.region_code, province_code=row.province_code,
        title=row.title, description=row.description, dimension=row.dimension,
        sub_dimension=row.sub_dimension, budget_min=row.budget_min, budget_max=row.budget_max,
        partner_types=frozenset(row.partner_types or ()), deadline=row.deadline,
    )


class MatchIndex:
    """Published offers and open needs of one process, refreshed from the change log."""

    def __init__(self, max_idle_seconds: float = 12 * 3600) -> None:
        self.max_idle_seconds = max_idle_seconds
        self.synced_at = 0.0
        self.offers = engine.TermIndex()
        self.needs = engine.TermIndex()
        self.built = False
        self.floor = 0
        self.seen: set[int] = set()
        self.gaps: dict[int, float] = {}
        self.lock = threading.RLock()

    # ------------------------------------------------------------ loading

    def build(self, session: Session, progress: Any = None) -> None:
        """Load every published offer and open need (``progress``: a tqdm-like callable)."""
        with self.lock:
            self.offers = engine.TermIndex()
            self.needs = engine.TermIndex()
            cutoff = time.time() - GAP_SECONDS
            # Changes older than the gap window are certainly in the rows read below.
            rows = session.execute(select(IndexChange.id, IndexChange.at)
                                   .order_by(IndexChange.id.desc()).limit(1000)).all()
            self.floor = 0
            for change_id, at in rows:
                if at is not None and at.timestamp() < cutoff:
                    self.floor = change_id
                    break
            else:
                if rows and len(rows) == 1000:
                    self.floor = rows[-1][0]
            self.seen, self.gaps = set(), {}
            offers = session.scalars(select(Offer).where(Offer.status == "published"))
            for row in offers:
                self.offers.add(offer_doc(row))
                if progress is not None:
                    progress(1)
            for row in session.scalars(select(Need).where(Need.status == "open")):
                self.needs.add(need_doc(row))
                if progress is not None:
                    progress(1)
            self.built = True
            self._apply_changes(session)

    def sync(self, session: Session) -> int:
        """Bring the index up to date; returns how many documents were reloaded."""
        with self.lock:
            if not self.built or time.time() - self.synced_at > self.max_idle_seconds:
                # Never built, or idle so long that the change log may have been pruned.
                self.build(session)
                return len(self.offers) + len(self.needs)
            return self._apply_changes(session)

    def _apply_changes(self, session: Session) -> int:
        rows = session.execute(
            select(IndexChange.id, IndexChange.kind, IndexChange.doc_id)
            .where(IndexChange.id > self.floor).order_by(IndexChange.id)
        ).all()
        offer_ids, need_ids, new_ids = set(), set(), []
        for change_id, kind, doc_id in rows:
            if change_id in self.seen:
                continue
            new_ids.append(change_id)
            (offer_ids if kind == "offer" else need_ids).add(doc_id)
        if offer_ids:
            self.reload_offers(session, offer_ids)
        if need_ids:
            self.reload_needs(session, need_ids)
        self.seen.update(new_ids)
        self._advance_floor(max(self.seen) if self.seen else self.floor)
        self.synced_at = time.time()
        return len(offer_ids) + len(need_ids)

    def _advance_floor(self, highest: int) -> None:
        now = time.time()
        while self.floor < highest:
            nxt = self.floor + 1
            if nxt in self.seen:
                self.seen.discard(nxt)
            else:
                first = self.gaps.setdefault(nxt, now)
                if now - first < GAP_SECONDS:
                    break
                self.gaps.pop(nxt, None)
            self.floor = nxt

    def reload_offers(self, session: Session, ids: set[int]) -> None:
        found = {row.id: row for row in session.scalars(select(Offer).where(Offer.id.in_(ids)))}
        for offer_id in ids:
            row = found.get(offer_id)
            if row is not None and row.status == "published":
                self.offers.add(offer_doc(row))
            else:
                self.offers.remove(offer_id)

    def reload_needs(self, session: Session, ids: set[int]) -> None:
        found = {row.id: row for row in session.scalars(select(Need).where(Need.id.in_(ids)))}
        for need_id in ids:
            row = found.get(need_id)
            if row is not None and row.status == "open":
                self.needs.add(need_doc(row))
            else:
                self.needs.remove(need_id)


_GUARD = threading.Lock()
EXTENSION = "matchmaking.index"


def index_for(app: Any) -> MatchIndex:
    """The index of one application (one per process and application)."""
    with _GUARD:
        index = app.extensions.get(EXTENSION)
        if index is None:
            hours = app.extensions["sinergi.plugins"].config_for("matchmaking")[
                "index_change_retention_hours"]
            index = app.extensions[EXTENSION] = MatchIndex(max_idle_seconds=hours * 3600 / 2)
        return index


def forget(app: Any) -> None:
    """Drop the application's index; the next use rebuilds it from the database."""
    with _GUARD:
        app.extensions.pop(EXTENSION, None)


def prune_changes(session: Session, retention_hours: int) -> int:
    """Delete change rows older than ``retention_hours``; returns how many went."""
    cutoff = utcnow() - dt.timedelta(hours=retention_hours)
    result = session.execute(delete(IndexChange).where(IndexChange.at < cutoff))
    return int(result.rowcount or 0)


def change_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(IndexChange)) or 0)
