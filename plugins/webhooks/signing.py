"""Webhook secrets and signatures.

``Sinergi-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>``, where the key is
the secret as UTF-8 text, ``timestamp`` the ``Sinergi-Timestamp`` header (unix seconds) and
``body`` the exact bytes of the request body. During a rotation's grace period a second
``v1=`` signature (made with the previous secret) follows, separated by a comma.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
HINT_LENGTH = len(SECRET_PREFIX) + 4


def new_secret() -> str:
    """A fresh random secret: ``whsec_`` and 43 URL-safe characters (256 bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hint(secret: str) -> str:
    """The start of a secret, safe to show: ``whsec_AbC1``."""
    return secret[:HINT_LENGTH]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``f"{timestamp}.".encode() + body`` keyed with the secret."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets_in_use: list[str], timestamp: int, body: bytes) -> str:
    """``v1=<hex>`` per secret (current first), comma-separated."""
    return ", ".join(f"v1={signature(s, timestamp, body)}" for s in secrets_in_use)


def verify(secret: str, header: str, timestamp: int, body: bytes) -> bool:
    """Whether any ``v1=`` value of ``header`` is the signature (constant-time comparison)."""
    expected = signature(secret, timestamp, body)
    found = False
    for item in header.split(","):
        scheme, _, value = item.strip().partition("=")
        if scheme == "v1" and hmac.compare_digest(value, expected):
            found = True
    return found
