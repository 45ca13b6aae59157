"""Rate limits on sensitive endpoints (login, tokens), shared across processes via Redis.

The storage is ``ratelimit_storage_url``: ``memory://`` for one process, ``redis://…`` when
several web processes must share the counts.
"""

from __future__ import annotations

import time

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests


class RateLimiter:
    """Per-application limiter: ``hit(name, key)`` raises 429 once the limit is reached."""

    def __init__(self, storage_url: str, limits: dict[str, str]):
        self.strategy = MovingWindowRateLimiter(storage_from_string(storage_url))
        self.limits = {name: parse(value) for name, value in limits.items()}

    def hit(self, name: str, key: str, limit: str | None = None) -> None:
        """Count one attempt; ``limit`` ("5 per minute") names the limit of a new ``name``."""
        item = self.limits.get(name)
        if item is None:
            if limit is None:
                raise KeyError(f"no rate limit named {name!r}")
            item = self.limits[name] = parse(limit)
        if not self.strategy.hit(item, name, key):
            reset_at, _remaining = self.strategy.get_window_stats(item, name, key)
            raise TooManyRequests(retry_after=max(1, int(reset_at - time.time())))

    def reset(self) -> None:
        self.strategy.storage.reset()


def init_ratelimit(app: Flask) -> None:
    app.extensions["sinergi.ratelimit"] = RateLimiter(
        app.config["RATELIMIT_STORAGE_URL"],
        {"login": app.config["LOGIN_RATE_LIMIT"]},
    )


def hit(name: str, key: str, limit: str | None = None) -> None:
    """Count one attempt against limit ``name`` for ``key``; raises 429 past the limit."""
    current_app.extensions["sinergi.ratelimit"].hit(name, key, limit)
