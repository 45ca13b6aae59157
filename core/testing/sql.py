"""Counting SQL statements."""

from __future__ import annotations

from typing import Any


class SQLCounter:
    """Counts SQL statements sent to the database while active (use it as a context manager)."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.active = False

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.active:
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __enter__(self) -> SQLCounter:
        self.statements.clear()
        self.active = True
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.active = False
