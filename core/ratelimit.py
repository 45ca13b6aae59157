"""Rate limits on sensitive endpoints (login, tokens), shared across processes via Redis.

The storage is ``ratelimit_storage_url``: ``memory://`` for one process, ``redis://…`` when
several web processes must share the counts (``ratelimit_key_prefix`` separates several
deployments, or test runs, on one Redis). Keys use ``request.remote_addr``, which is the real
client address behind ``trusted_proxy_count`` reverse proxies (see :mod:`core.app`).

Logging in (the page and ``POST /api/v1/auth/token``) counts against three limits:

- ``login`` (``login_rate_limit``): every attempt, per client address;
- ``login_account`` (``login_account_rate_limit``): every attempt, per (e-mail, client
  address): one address cannot try many passwords on one account, and the lock it earns
  holds only for that address, so nobody can lock a victim out from everywhere with it;
- ``login_email`` (``login_email_rate_limit``, much looser): failed attempts per e-mail from
  any address, against guessing spread over many addresses. Only failures count, and the
  default takes a sustained attack to reach; an empty value switches it off.

When the storage cannot be reached (Redis down), limits let requests through and log an error
(at most once a minute per process) rather than failing every login: the platform stays usable
while the alert is handled.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)
#: Storage failures a limiter survives by letting the request through.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (RedisError, ConnectionError, TimeoutError)


class RateLimiter:
    """Per-application limiter: ``hit(name, key)`` raises 429 once the limit is reached."""

    def __init__(self, storage_url: str, limits: dict[str, str], key_prefix: str = ""):
        options = {"key_prefix": key_prefix} if key_prefix and storage_url.startswith(
            ("redis", "rediss", "redis+")) else {}
        self.strategy = MovingWindowRateLimiter(storage_from_string(storage_url, **options))
        self.limits = {name: parse(value) for name, value in limits.items() if value}
        #: Configured limits left empty: switched off.
        self.switched_off = frozenset(name for name, value in limits.items() if not value)
        self._last_storage_error = 0.0

    def _ask(self, call: Callable[..., Any], *args: Any, allowed: Any) -> Any:
        """Ask the storage; when it is unreachable, log (once a minute) and answer ``allowed``."""
        try:
            return call(*args)
        except STORAGE_ERRORS as error:
            now = time.monotonic()
            if now - self._last_storage_error > 60:
                self._last_storage_error = now
                log.error("rate limit storage unreachable, limits not applied: %s", error)
            return allowed

    def _item(self, name: str, limit: str | None):
        item = self.limits.get(name)
        if item is None and limit is not None:
            item = self.limits[name] = parse(limit)
        return item

    def _refuse(self, item, name: str, key: str) -> None:
        reset_at, _remaining = self._ask(self.strategy.get_window_stats, item, name, key,
                                         allowed=(time.time() + 60, 0))
        raise TooManyRequests(retry_after=max(1, int(reset_at - time.time()) + 1))

    def hit(self, name: str, key: str, limit: str | None = None) -> None:
        """Count one attempt; ``limit`` ("5 per minute") names the limit of a new ``name``."""
        if name in self.switched_off:
            return
        item = self._item(name, limit)
        if item is None:
            raise KeyError(f"no rate limit named {name!r}")
        if not self._ask(self.strategy.hit, item, name, key, allowed=True):
            self._refuse(item, name, key)

    def count(self, name: str, key: str) -> None:
        """Count one attempt without refusing this one (the next ``check`` will)."""
        item = self.limits.get(name)
        if item is not None:
            self._ask(self.strategy.hit, item, name, key, allowed=True)

    def check(self, name: str, key: str) -> None:
        """Raise 429 if ``key`` is already at limit ``name``, without counting an attempt."""
        item = self.limits.get(name)
        if item is not None and not self._ask(self.strategy.test, item, name, key,
                                              allowed=True):
            self._refuse(item, name, key)

    def reset(self) -> None:
        """Forget every count (tests)."""
        self._ask(self.strategy.storage.reset, allowed=None)


def init_ratelimit(app: Flask) -> None:
    configured = {
        "login": app.config["LOGIN_RATE_LIMIT"],
        "login_account": app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
        "login_email": app.config["LOGIN_EMAIL_RATE_LIMIT"],
    }
    app.extensions["sinergi.ratelimit"] = RateLimiter(
        app.config["RATELIMIT_STORAGE_URL"], configured,
        key_prefix=str(app.config.get("RATELIMIT_KEY_PREFIX") or ""),
    )


def limiter() -> RateLimiter:
    return current_app.extensions["sinergi.ratelimit"]


def hit(name: str, key: str, limit: str | None = None) -> None:
    """Count one attempt against limit ``name`` for ``key``; raises 429 past the limit."""
    limiter().hit(name, key, limit)


def check(name: str, key: str) -> None:
    """Raise 429 when ``key`` has reached limit ``name`` (counts nothing)."""
    limiter().check(name, key)
