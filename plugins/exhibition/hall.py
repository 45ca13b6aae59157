"""The national hall: participation by cohort and province, statistics by dimension, the
latest evaluation's leaderboard and awards, and the live booths with filters. Built from a
fixed handful of SQL statements whatever the number of regions or booths."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.plugin import directory, taxonomy
from core.plugin.directory import RegionInfo
from plugins.exhibition.models import Booth, EvaluationResult, PlanSummary
from plugins.exhibition.services import BoothContent, live_booths, snapshot_content


@dataclass(frozen=True)
class HallFilters:
    province: str | None = None
    dimension: str | None = None
    cohort: int | None = None
    q: str | None = None

    @property
    def active(self) -> bool:
        return any((self.province, self.dimension, self.cohort, self.q))


@dataclass
class BoothCard:
    region: RegionInfo
    booth_id: int
    content: BoothContent
    published_at: dt.datetime | None
    evaluation: EvaluationResult | None

    def matches(self, filters: HallFilters) -> bool:
        if filters.province and self.region.province_code != filters.province:
            return False
        if filters.cohort and self.region.cohort_year != filters.cohort:
            return False
        if filters.dimension and filters.dimension not in self.content.dimensions and not (
            self.evaluation and filters.dimension in (self.evaluation.awards or [])
        ):
            return False
        if filters.q:
            haystack = " ".join([
                self.region.name, self.region.province_name, self.content.tagline,
                self.content.story, *(a["title"] for a in self.content.achievements),
            ]).casefold()
            if not all(word in haystack for word in filters.q.casefold().split()):
                return False
        return True

    def as_dict(self) -> dict[str, Any]:
        ev = self.evaluation
        return {
            "region_code": self.region.code,
            "region_name": self.region.name,
            "province_code": self.region.province_code,
            "province_name": self.region.province_name,
            "cohort_year": self.region.cohort_year,
            "stage": self.region.stage,
            "tagline": self.content.tagline,
            "dimensions": self.content.dimensions,
            "achievement_count": len(self.content.achievements),
            "index": ev.index if ev else None,
            "cycle_year": ev.cycle_year if ev else None,
            "rank": ev.rank if ev else None,
            "verified": bool(ev and ev.verified),
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "url": f"/pameran/{self.region.code}",
        }


@dataclass
class ProvinceRow:
    code: str
    name: str
    regions: int = 0
    participating: int = 0
    booths: int = 0
    scores: list[float] = field(default_factory=list)

    @property
    def average_index(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None


@dataclass
class DimensionRow:
    key: str
    programmes: int
    achievements: int
    average_score: float | None
    awards: list[tuple[str, str]]  # (region code, region name)


@dataclass
class LeaderRow:
    rank: int
    region_code: str
    region_name: str
    province_name: str
    index: float
    verified: bool
    live: bool
    awards: list[str]


@dataclass
class Hall:
    total_regions: int
    participating: int
    provinces: list[ProvinceRow]
    cohorts: list[tuple[int, int, int]]  # (year, joined, cumulative)
    dimensions: list[DimensionRow]
    latest_cycle: int | None
    evaluated: int
    leaderboard: list[LeaderRow]
    national_dimensions: dict[str, float]
    cards: list[BoothCard]
    filters: HallFilters

    @property
    def booths(self) -> list[BoothCard]:
        return [c for c in self.cards if c.matches(self.filters)]

    @property
    def provinces_joined(self) -> int:
        return sum(1 for p in self.provinces if p.participating)

    @property
    def achievements(self) -> int:
        return sum(len(c.content.achievements) for c in self.cards)

    def statistics(self) -> dict[str, Any]:
        """The hall's figures as plain data (open data)."""
        return {
            "regions_total": self.total_regions,
            "regions_participating": self.participating,
            "provinces_participating": self.provinces_joined,
            "booths_published": len(self.cards),
            "achievements_published": self.achievements,
            "cohorts": [{"year": y, "joined": n, "cumulative": c} for y, n, c in self.cohorts],
            "provinces": [{
                "province_code": p.code, "province_name": p.name, "regions": p.regions,
                "participating": p.participating, "booths": p.booths,
                "average_index": p.average_index,
            } for p in self.provinces],
            "dimensions": [{
                "dimension": d.key, "programmes": d.programmes,
                "achievements": d.achievements, "average_score": d.average_score,
                "awards": [{"region_code": c, "region_name": n} for c, n in d.awards],
            } for d in self.dimensions],
            "latest_cycle": self.latest_cycle,
            "regions_evaluated": self.evaluated,
            "leaderboard": [{
                "rank": r.rank, "region_code": r.region_code, "region_name": r.region_name,
                "province_name": r.province_name, "index": r.index, "verified": r.verified,
                "awards": r.awards,
                "booth_url": f"/pameran/{r.region_code}" if r.live else None,
            } for r in self.leaderboard],
        }


def latest_evaluations(session: Session) -> list[EvaluationResult]:
    """Every result of the latest evaluation cycle (one statement)."""
    latest = select(func.max(EvaluationResult.cycle_year)).scalar_subquery()
    return list(session.scalars(
        select(EvaluationResult).where(EvaluationResult.cycle_year == latest)
    ))


def build_cards(regions: dict[str, RegionInfo], booths: list[Booth],
                evaluations: dict[str, EvaluationResult]) -> list[BoothCard]:
    cards = [
        BoothCard(regions[b.region_code], b.id, snapshot_content(b), b.published_at,
                  evaluations.get(b.region_code))
        for b in booths if b.region_code in regions
    ]
    cards.sort(key=lambda c: (-(c.evaluation.index if c.evaluation else -1), c.region.name))
    return cards


def hall(session: Session, filters: HallFilters | None = None, *,
         leaderboard_size: int = 10) -> Hall:
    """The national hall (four SQL statements)."""
    filters = filters or HallFilters()
    regions = directory.list_regions(session)
    by_code = {r.code: r for r in regions}
    booths = live_booths(session)
    evaluations = latest_evaluations(session)
    programme_lists = session.scalars(select(PlanSummary.programmes)).all()

    provinces: dict[str, ProvinceRow] = {}
    cohort_counts: Counter[int] = Counter()
    for region in regions:
        row = provinces.setdefault(region.province_code,
                                   ProvinceRow(region.province_code, region.province_name))
        row.regions += 1
        if region.participating:
            row.participating += 1
            cohort_counts[region.cohort_year] += 1  # type: ignore[index]
    cumulative, cohorts = 0, []
    for year in taxonomy.COHORT_YEARS:
        cumulative += cohort_counts.get(year, 0)
        cohorts.append((year, cohort_counts.get(year, 0), cumulative))

    by_region = {e.region_code: e for e in evaluations}
    cards = build_cards(by_code, booths, by_region)
    live_codes = {c.region.code for c in cards}
    for card in cards:
        provinces[card.region.province_code].booths += 1
    for result in evaluations:
        region = by_code.get(result.region_code)
        if region is not None:
            provinces[region.province_code].scores.append(result.index)

    programme_counts: Counter[str] = Counter()
    for programmes in programme_lists:
        for programme in programmes or []:
            programme_counts[programme.get("dimension", "")] += 1
    achievement_counts: Counter[str] = Counter(
        a["dimension"] for c in cards for a in c.content.achievements)
    dim_scores: dict[str, list[float]] = defaultdict(list)
    awards: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for result in evaluations:
        for key, value in (result.dimensions or {}).items():
            dim_scores[key].append(value)
        for key in result.awards or []:
            region = by_code.get(result.region_code)
            awards[key].append((result.region_code,
                                region.name if region else result.region_name))
    national = {k: round(sum(v) / len(v), 1) for k, v in dim_scores.items() if v}
    dimensions = [
        DimensionRow(key, programme_counts.get(key, 0), achievement_counts.get(key, 0),
                     national.get(key), sorted(awards.get(key, []), key=lambda a: a[1]))
        for key in taxonomy.DIMENSIONS
    ]

    ranked = sorted(evaluations, key=lambda e: (e.rank or 10**6, -e.index, e.region_code))
    leaderboard = []
    for position, result in enumerate(ranked[:leaderboard_size], start=1):
        region = by_code.get(result.region_code)
        leaderboard.append(LeaderRow(
            result.rank or position, result.region_code,
            region.name if region else result.region_name,
            region.province_name if region else "", result.index, result.verified,
            result.region_code in live_codes, list(result.awards or []),
        ))

    return Hall(
        total_regions=len(regions),
        participating=sum(1 for r in regions if r.participating),
        provinces=sorted(provinces.values(), key=lambda p: p.code),
        cohorts=cohorts,
        dimensions=dimensions,
        latest_cycle=evaluations[0].cycle_year if evaluations else None,
        evaluated=len(evaluations),
        leaderboard=leaderboard,
        national_dimensions=national,
        cards=cards,
        filters=filters,
    )


def booth_cards(session: Session, filters: HallFilters) -> list[BoothCard]:
    """Live booths matching ``filters`` (three statements), best index first."""
    booths = live_booths(session)
    regions = {r.code: r for r in directory.list_regions(
        session, codes=[b.region_code for b in booths])} if booths else {}
    evaluations = {e.region_code: e for e in latest_evaluations(session)} if booths else {}
    return [c for c in build_cards(regions, booths, evaluations) if c.matches(filters)]


def national_averages(session: Session, cycle_year: int) -> dict[str, float]:
    """The average score per dimension over every region evaluated in ``cycle_year``."""
    scores: dict[str, list[float]] = defaultdict(list)
    for dims in session.scalars(select(EvaluationResult.dimensions)
                                .where(EvaluationResult.cycle_year == cycle_year)):
        for key, value in (dims or {}).items():
            scores[key].append(value)
    return {k: round(sum(v) / len(v), 1) for k, v in scores.items() if v}
