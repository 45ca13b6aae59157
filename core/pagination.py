"""Pagination that returns a page and the total in one SQL statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results with the total number of matching items."""

    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def _count_of(stmt: Select[Any]) -> Select[Any]:
    """``SELECT count(*)`` over the rows of ``stmt`` (its ordering dropped)."""
    return select(func.count()).select_from(stmt.order_by(None).subquery())


def paginate(session: Session, stmt: Select[Any], page: int, per_page: int) -> Page[Any]:
    """Run ``stmt`` for one page; the total comes from the same statement.

    The total is an uncorrelated scalar subquery, which the database evaluates once. (A
    ``count(*) OVER ()`` window makes the database build and sort every matching row before
    the LIMIT applies: on SQLite, 0.8 ms instead of 0.1 ms for a page of the 514 regions.)
    Only when the page is past the end is a second (count) query needed.
    """
    counted = stmt.add_columns(_count_of(stmt).correlate(None).scalar_subquery().label("_total"))
    rows = session.execute(counted.limit(per_page).offset((page - 1) * per_page)).all()
    if rows:
        total = rows[0][-1]
        width = len(rows[0]) - 1
        items = [row[0] if width == 1 else tuple(row[:width]) for row in rows]
        return Page(items=items, total=total, page=page, per_page=per_page)
    total = 0
    if page > 1:
        total = session.scalar(_count_of(stmt))
    return Page(items=[], total=total or 0, page=page, per_page=per_page)
