"""Secrets at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``).

The key is derived with HKDF-SHA256 from ``[plugins.webhooks] encryption_key``, or from the
application's ``secret_key`` when that is empty. Former keys listed in
``previous_encryption_keys`` still decrypt, so keys can be changed without losing webhooks.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

INFO = b"sinergi-webhooks-secret-v1"


class SecretUnavailable(Exception):
    """The stored secret cannot be decrypted with the configured keys."""


def _fernet(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(
        material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _box(config: dict[str, Any]) -> MultiFernet:
    primary = config.get("encryption_key") or current_app.config["SECRET_KEY"]
    keys = [primary, *(config.get("previous_encryption_keys") or [])]
    return MultiFernet([_fernet(k) for k in keys])


def seal(config: dict[str, Any], secret: str) -> str:
    """Encrypt a secret for storage."""
    return _box(config).encrypt(secret.encode()).decode()


def open_(config: dict[str, Any], sealed: str) -> str:
    """Decrypt a stored secret, or raise SecretUnavailable."""
    try:
        return _box(config).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnavailable(
            "the webhook secret cannot be decrypted with the configured keys "
            "(was secret_key or encryption_key changed? list the old value in "
            "[plugins.webhooks] previous_encryption_keys, or rotate the secret)"
        ) from exc
