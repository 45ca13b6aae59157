"""The numbers behind the exports and the statistics page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlalchemy.orm import Session

from core.plugin import directory

REGION_COLUMNS = ("code", "name", "kind", "province_code", "province_name", "population",
                  "area_km2", "density_per_km2", "cohort_year", "stage")
PROVINCE_COLUMNS = ("code", "name", "regions", "participating", "population",
                    "participating_population", "participating_population_share")


@dataclass(frozen=True)
class ProvinceStats:
    code: str
    name: str
    regions: int
    participating: int
    population: int
    participating_population: int

    @property
    def participating_population_share(self) -> float:
        if not self.population:
            return 0.0
        return round(self.participating_population / self.population, 4)

    def row(self) -> dict:
        return {**asdict(self), "participating_population_share":
                self.participating_population_share}


def region_rows(session: Session, code: str | None = None) -> list[dict]:
    """One dict per region (or the one with ``code``)."""
    regions = directory.list_regions(session, codes=[code] if code else None)
    return [
        {
            "code": r.code, "name": r.name, "kind": r.kind, "province_code": r.province_code,
            "province_name": r.province_name, "population": r.population,
            "area_km2": r.area_km2,
            "density_per_km2": round(r.population / r.area_km2, 1)
            if r.population and r.area_km2 else None,
            "cohort_year": r.cohort_year, "stage": r.stage,
        }
        for r in regions
    ]


def province_stats(session: Session) -> list[ProvinceStats]:
    """Participation per province, from one query for regions and one for provinces."""
    names = {p.code: p.name for p in directory.list_provinces(session)}
    totals: dict[str, list[int]] = {code: [0, 0, 0, 0] for code in names}
    for region in directory.list_regions(session):
        bucket = totals[region.province_code]
        bucket[0] += 1
        bucket[2] += region.population or 0
        if region.participating:
            bucket[1] += 1
            bucket[3] += region.population or 0
    return [ProvinceStats(code, names[code], *totals[code]) for code in sorted(names)]


def to_csv(rows: Iterable[dict], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()
