"""Event type patterns in AMQP topic syntax: ``*`` is one word, ``#`` zero or more words."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.plugin import _l

WORD = re.compile(r"^[a-z0-9_]+$")
MAX_PATTERNS = 20
MAX_PATTERN_LENGTH = 100


def topic_matches(pattern: str, routing_key: str) -> bool:
    """Whether an event type matches a pattern (``sinergi.plan.*``, ``sinergi.#``)."""
    return _match(pattern.split("."), routing_key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])


def matches_any(patterns: Iterable[str], event_type: str) -> bool:
    return any(topic_matches(p, event_type) for p in patterns)


def pattern_problems(patterns: list[str]) -> list[object]:
    """Messages for an invalid list of patterns (empty when all is well)."""
    if not patterns:
        return [_l("Give at least one event type or pattern, for example sinergi.#.")]
    if len(patterns) > MAX_PATTERNS:
        return [_l("At most %(count)s event types or patterns.", count=MAX_PATTERNS)]
    problems: list[object] = []
    for pattern in patterns:
        words = pattern.split(".")
        if len(pattern) > MAX_PATTERN_LENGTH or not all(
            w in ("*", "#") or WORD.match(w) for w in words
        ):
            problems.append(_l(
                "%(pattern)s is not an event type pattern: use words of lower-case letters, "
                "digits and _ separated by dots, * for one word and # for any number of "
                "words (sinergi.plan.*, sinergi.#).", pattern=pattern[:MAX_PATTERN_LENGTH]))
        elif words[0] not in ("sinergi", "*", "#"):
            problems.append(_l("%(pattern)s never matches: event types begin with sinergi.",
                               pattern=pattern))
    return problems


def normalise(patterns: Iterable[str]) -> list[str]:
    """Trimmed, without blanks and duplicates, in the given order."""
    seen: list[str] = []
    for pattern in patterns:
        pattern = str(pattern).strip()
        if pattern and pattern not in seen:
            seen.append(pattern)
    return seen
