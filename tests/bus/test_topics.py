"""Topic patterns in handler subscriptions."""

import pytest

from core.events.bus import topic_matches


@pytest.mark.parametrize(("pattern", "key", "expected"), [
    ("sinergi.plan.submitted", "sinergi.plan.submitted", True),
    ("sinergi.plan.*", "sinergi.plan.submitted", True),
    ("sinergi.plan.*", "sinergi.organisation.verified", False),
    ("sinergi.#", "sinergi.plan.submitted", True),
    ("#", "sinergi.plan.submitted", True),
    ("sinergi.*", "sinergi.plan.submitted", False),
    ("sinergi.#.submitted", "sinergi.plan.submitted", True),
    ("sinergi.*.verified", "sinergi.organisation.verified", True),
    ("sinergi.plan.submitted", "sinergi.plan.approved", False),
])
def test_topic_matching(pattern, key, expected):
    assert topic_matches(pattern, key) is expected
