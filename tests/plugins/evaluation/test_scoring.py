"""Property tests of the score arithmetic (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.evaluation import scoring

SCALE = scoring.Scale.of(0, 5)
COMPONENTS = scoring.COMPONENTS

scores = st.decimals(min_value=0, max_value=5, places=2, allow_nan=False, allow_infinity=False)
component_scores = st.fixed_dictionaries({c: scores for c in COMPONENTS})


@st.composite
def weights(draw) -> dict[str, int]:
    """Five whole percentages summing to 100."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=4, max_size=4)))
    bounds = [0, *cuts, 100]
    return {c: bounds[i + 1] - bounds[i] for i, c in enumerate(COMPONENTS)}


@given(component_scores, weights())
def test_index_stays_within_the_scale(values, w):
    index = scoring.weighted_index(values, w, SCALE)
    assert SCALE.minimum <= index <= SCALE.maximum
    assert min(values.values()) - Decimal("0.01") <= index <= max(values.values()) + Decimal("0.01")


@given(weights())
def test_generated_weights_sum_to_100_and_are_accepted(w):
    assert sum(w.values()) == 100
    assert scoring.check_weights(w) == w


@given(weights(), st.sampled_from(COMPONENTS), st.integers(1, 50))
def test_weights_not_summing_to_100_are_refused(w, component, delta):
    broken = dict(w)
    broken[component] = broken[component] + delta if broken[component] + delta <= 100 else (
        broken[component] - delta)
    if sum(broken.values()) == 100 or not 0 <= broken[component] <= 100:
        return
    with pytest.raises(scoring.ScoringError):
        scoring.check_weights(broken)


@given(component_scores, weights(), st.sampled_from(COMPONENTS),
       st.decimals(min_value=0, max_value=5, places=2))
def test_raising_one_score_never_lowers_the_index(values, w, component, raise_by):
    higher = dict(values)
    higher[component] = min(Decimal(5), values[component] + raise_by)
    assert scoring.weighted_index(higher, w, SCALE) >= scoring.weighted_index(values, w, SCALE)


@given(component_scores, weights(), st.sampled_from(COMPONENTS))
def test_missing_components_are_refused_not_zero(values, w, component):
    missing = {k: v for k, v in values.items() if k != component}
    with pytest.raises(scoring.MissingComponent):
        scoring.weighted_index(missing, w, SCALE)
    with pytest.raises(scoring.MissingComponent):
        scoring.weighted_index({**missing, component: None}, w, SCALE)


@given(component_scores, weights(), st.sampled_from(COMPONENTS),
       st.decimals(min_value=Decimal("5.01"), max_value=100, places=2))
def test_scores_outside_the_scale_are_refused(values, w, component, bad):
    with pytest.raises(scoring.ScoringError):
        scoring.weighted_index({**values, component: bad}, w, SCALE)


@settings(max_examples=50)
@given(st.dictionaries(st.sampled_from("ABCDEFGH"), scores, min_size=1))
def test_ranks_follow_the_index(indices):
    ranks = scoring.competition_ranks(indices)
    for a in indices:
        for b in indices:
            if indices[a] > indices[b]:
                assert ranks[a] < ranks[b]
            if indices[a] == indices[b]:
                assert ranks[a] == ranks[b]
    assert min(ranks.values()) == 1


def test_default_weights_and_a_published_example():
    assert scoring.check_weights(scoring.DEFAULT_WEIGHTS) == scoring.DEFAULT_WEIGHTS
    kota_jambi = {"baseline": Decimal("3.84"), "output": Decimal("3.18"),
                  "outcome": Decimal("3.53"), "impact": Decimal("3.63"),
                  "quick_win": Decimal("3.35")}
    # 0.384 + 0.636 + 1.059 + 1.089 + 0.335 = 3.503
    assert scoring.weighted_index(kota_jambi, scoring.DEFAULT_WEIGHTS, SCALE) == Decimal("3.50")
    assert scoring.rating_on_scale(Decimal(4), SCALE) == Decimal("3.75")
    assert scoring.competition_ranks({"a": Decimal(3), "b": Decimal(4), "c": Decimal(3),
                                      "d": Decimal(1)}) == {"b": 1, "a": 2, "c": 2, "d": 4}
