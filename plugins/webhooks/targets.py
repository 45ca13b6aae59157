"""Target URLs: parsing, and the guard against requests to private networks (SSRF).

A webhook URL must be http or https, without credentials, and every address its host
resolves to must be public: private, loopback, link-local, multicast, reserved, unspecified,
shared (CGNAT) and other non-global addresses are refused, for IPv4 and IPv6 (IPv4-mapped IPv6
addresses are judged by their IPv4 address). The check runs at registration and again before
every attempt, and the attempt connects to the very addresses that were checked, so a DNS
answer that changes in between (rebinding) cannot redirect it. ``allow_private_targets`` lifts
the guard.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.plugin import _l

MAX_URL_LENGTH = 2000


class TargetRefused(Exception):
    """The URL may not be used; ``message`` says why (translatable)."""

    def __init__(self, message: object):
        super().__init__()
        self.message = message

    def __str__(self) -> str:
        """The English text (workers have no request, hence no language to translate to)."""
        args, kwargs = getattr(self.message, "_args", None), getattr(self.message, "_kwargs", {})
        if args:
            return str(args[0]) % kwargs if kwargs else str(args[0])
        return str(self.message)


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``addresses``) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host`` (tests replace this function to simulate DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str) -> bool:
    """Whether an IP address is globally routable unicast (not private, loopback, …)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified or not ip.is_global
    )


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of a well-formed http(s) URL, or TargetRefused."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(_l("The address is too long (at most %(count)s characters).",
                               count=MAX_URL_LENGTH))
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise TargetRefused(_l("The address must not contain spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused(_l("This is not a valid web address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused(_l("The address must start with https:// or http://."))
    if not parts.hostname:
        raise TargetRefused(_l("The address has no host name."))
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(_l(
            "Do not put a user name or password in the address; verify the signature "
            "instead."))
    if parts.fragment:
        raise TargetRefused(_l("The address must not have a #fragment."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def check(url: str, *, allow_private: bool) -> Target:
    """Parse and resolve ``url``; refuse it unless every address is public (or allowed)."""
    scheme, host, port, path = parse(url)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        raise TargetRefused(_l("The host name %(host)s could not be resolved.",
                               host=host)) from None
    if not addresses:
        raise TargetRefused(_l("The host name %(host)s could not be resolved.", host=host))
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise TargetRefused(_l(
                    "%(host)s resolves to %(address)s, a private, loopback or otherwise "
                    "non-public address. Webhooks may only call public addresses.",
                    host=host, address=address))
    return Target(scheme, host, port, path, tuple(addresses))
