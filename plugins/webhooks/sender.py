"""One HTTP POST to a checked target: pinned addresses, timeouts, no redirects, capped reads.

Standard library only (``http.client``): it never follows redirects, and connecting to the
addresses the guard checked (instead of resolving the host again) is a small override.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from plugins.webhooks.targets import Target

EXCERPT_CHARS = 500


@dataclass(frozen=True)
class Outcome:
    """What happened to one attempt."""

    status_code: int | None
    duration_ms: int
    error: str
    response_excerpt: str

    @property
    def success(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


def _connect(addresses: tuple[str, ...], port: int, timeout: float) -> socket.socket:
    last: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout=timeout)
        except OSError as exc:
            last = exc
    raise last or OSError("no address to connect to")


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, connect_timeout: float, read_timeout: float):
        super().__init__(target.host, target.port, timeout=connect_timeout)
        self._target, self._read_timeout = target, read_timeout

    def connect(self) -> None:
        self.sock = _connect(self._target.addresses, self.port, self.timeout)
        self.sock.settimeout(self._read_timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, connect_timeout: float, read_timeout: float):
        super().__init__(target.host, target.port, timeout=connect_timeout,
                         context=ssl.create_default_context())
        self._target, self._read_timeout = target, read_timeout

    def connect(self) -> None:
        raw = _connect(self._target.addresses, self.port, self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self._target.host)
        self.sock.settimeout(self._read_timeout)


def post(
    target: Target,
    body: bytes,
    headers: dict[str, str],
    *,
    connect_timeout: float,
    read_timeout: float,
    max_response_bytes: int,
) -> Outcome:
    """POST ``body``; a 2xx answer is a success, anything else (3xx included) a failure."""
    connection_class = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = connection_class(target, connect_timeout, read_timeout)
    started = time.monotonic()
    status: int | None = None
    excerpt = ""
    error = ""
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        data = response.read(max_response_bytes) if max_response_bytes else b""
        excerpt = data.decode("utf-8", "replace")[:EXCERPT_CHARS]
        if 300 <= status < 400:
            location = response.getheader("Location", "")
            error = f"redirect to {location[:200]!r} not followed"
        elif not 200 <= status < 300:
            error = f"HTTP {status} {response.reason}"[:200]
    except TimeoutError:
        error = "timed out"
    except ssl.SSLError as exc:
        error = f"TLS error: {exc}"
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    duration = int((time.monotonic() - started) * 1000)
    return Outcome(status, duration, error[:500], excerpt)
