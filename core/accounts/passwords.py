"""Password hashing with argon2id and the password policy."""

from __future__ import annotations

import functools
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("sinergi-dummy-password")


def configure_hasher(time_cost: int, memory_kib: int, parallelism: int) -> None:
    """Set argon2id's cost (configuration ``argon2_*``). Existing hashes keep verifying and
    are re-hashed at the new cost on the next login."""
    global _hasher, _DUMMY_HASH
    current = (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism)
    if current == (time_cost, memory_kib, parallelism):
        return
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _DUMMY_HASH = _hasher.hash("sinergi-dummy-password")

#: The shipped list of common passwords (English and Indonesian), one per line.
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The common passwords, lower case (read once per process)."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as fh:
        return frozenset(
            line.strip().lower() for line in fh if line.strip() and not line.startswith("#")
        )


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; spends the same time whether or not the hash exists."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problems(password: str, min_length: int) -> list[str]:
    """Reasons (as message keys) why a password is refused; empty when it is acceptable."""
    problems = []
    if len(password) < min_length:
        problems.append("too_short")
    if password.lower() in common_passwords():
        problems.append("too_common")
    return problems
