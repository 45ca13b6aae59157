"""Score arithmetic, free of any database: weights, the scale, indices, ranks and awards.

Every number is a ``Decimal``; weights are integer percentages that must sum to exactly 100.
A component without a score is refused, never counted as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

COMPONENTS: tuple[str, ...] = ("baseline", "output", "outcome", "impact", "quick_win")
DEFAULT_WEIGHTS: dict[str, int] = {
    "baseline": 10, "output": 20, "outcome": 30, "impact": 30, "quick_win": 10,
}
CENT = Decimal("0.01")
RATING_MIN, RATING_MAX = 1, 5


class ScoringError(ValueError):
    """Inputs that cannot produce a score; ``field`` names what is wrong."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class MissingComponent(ScoringError):
    """A component has no score: the index is refused rather than computed with a zero."""


def check_weights(weights: Mapping[str, object]) -> dict[str, int]:
    """Return the weights if each component has a whole percentage 0–100 and they sum to 100."""
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ScoringError(f"unknown components: {', '.join(sorted(unknown))}", "weights")
    result: dict[str, int] = {}
    for component in COMPONENTS:
        value = weights.get(component)
        if value is None:
            raise ScoringError(f"missing weight for {component}", "weights")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise ScoringError(f"weight of {component} must be a whole percent 0–100", "weights")
        result[component] = value
    if sum(result.values()) != 100:
        raise ScoringError(f"weights sum to {sum(result.values())} %, not 100 %", "weights")
    return result


@dataclass(frozen=True)
class Scale:
    """The scoring scale, e.g. 0–5."""

    minimum: Decimal
    maximum: Decimal

    @classmethod
    def of(cls, minimum: int, maximum: int) -> Scale:
        if minimum >= maximum:
            raise ScoringError("the scale's maximum must be above its minimum", "scale_max")
        return cls(Decimal(minimum), Decimal(maximum))

    def check(self, value: Decimal, what: str = "score") -> Decimal:
        if not self.minimum <= value <= self.maximum:
            raise ScoringError(f"{what} {value} is outside the scale "
                               f"{self.minimum}–{self.maximum}", what)
        return value


def mean(values: Iterable[Decimal]) -> Decimal:
    items = list(values)
    if not items:
        raise ScoringError("no values to average")
    return sum(items, Decimal(0)) / len(items)


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_index(components: Mapping[str, Decimal | None], weights: Mapping[str, int],
                   scale: Scale) -> Decimal:
    """The weighted index of the five components, rounded to 0.01. Refuses a missing one."""
    checked = check_weights(weights)
    total = Decimal(0)
    for component in COMPONENTS:
        value = components.get(component)
        if value is None:
            raise MissingComponent(f"the {component} component has no score", component)
        total += scale.check(Decimal(value), component) * checked[component]
    return round2(total / 100)


def rating_on_scale(rating_mean: Decimal, scale: Scale) -> Decimal:
    """Map a mean citizen rating (1–5) onto the cycle's scale."""
    if not RATING_MIN <= rating_mean <= RATING_MAX:
        raise ScoringError(f"rating {rating_mean} is outside 1–5", "rating")
    span = scale.maximum - scale.minimum
    return scale.minimum + (rating_mean - RATING_MIN) * span / (RATING_MAX - RATING_MIN)


def gap(scores: Iterable[Decimal]) -> Decimal:
    """The spread between the highest and the lowest score (0 for fewer than two)."""
    items = list(scores)
    return max(items) - min(items) if len(items) > 1 else Decimal(0)


def competition_ranks(indices: Mapping[str, Decimal]) -> dict[str, int]:
    """Rank by index, highest first; ties share a rank and the next rank is skipped (1, 2, 2, 4)."""
    ordered = sorted(indices.items(), key=lambda item: (-item[1], item[0]))
    ranks: dict[str, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank = position
            previous = value
        ranks[key] = rank
    return ranks


def dimension_awards(by_region: Mapping[str, Mapping[str, Decimal]]) -> dict[str, list[str]]:
    """Per region, the dimensions in which it has the best score (ties all win)."""
    awards: dict[str, list[str]] = {code: [] for code in by_region}
    dimensions: list[str] = []
    for scores in by_region.values():
        dimensions.extend(d for d in scores if d not in dimensions)
    for dimension in dimensions:
        present = {c: s[dimension] for c, s in by_region.items() if dimension in s}
        if not present:
            continue
        best = max(present.values())
        for code, value in present.items():
            if value == best:
                awards[code].append(dimension)
    return awards
