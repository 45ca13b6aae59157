"""Region services: reference data queries and a region's participation in the movement."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from core.accounts.principal import Principal
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.events import record_event
from core.pagination import Page, paginate
from core.regions.models import Participation, Province, Region
from core.taxonomy import COHORT_YEARS, STAGES

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "regions.csv"

REGION_SORTS = {
    "code": Region.code,
    "name": Region.name,
    "population": Region.population,
    "area": Region.area_km2,
}


@dataclass(frozen=True)
class RegionFilter:
    """Filters for the region list. ``participating`` limits to regions that joined."""

    province: str | None = None
    kind: str | None = None
    cohort: int | None = None
    stage: str | None = None
    participating: bool | None = None
    q: str | None = None
    codes: tuple[str, ...] | None = None  # limit to these region codes


def _filtered(stmt: Select[Any], filters: RegionFilter) -> Select[Any]:
    """``stmt`` (regions joined to provinces and outer-joined to participations) narrowed by
    the filters."""
    if filters.province:
        stmt = stmt.where(Region.province_code == filters.province)
    if filters.kind:
        stmt = stmt.where(Region.kind == filters.kind)
    if filters.cohort:
        stmt = stmt.where(Participation.cohort_year == filters.cohort)
    if filters.stage:
        stmt = stmt.where(Participation.stage == filters.stage)
    if filters.participating is True:
        stmt = stmt.where(Participation.region_code.is_not(None))
    elif filters.participating is False:
        stmt = stmt.where(Participation.region_code.is_(None))
    if filters.q:
        text = filters.q.strip()
        stmt = stmt.where(or_(Region.name.icontains(text, autoescape=True),
                              Region.code.contains(text, autoescape=True)))
    if filters.codes is not None:
        stmt = stmt.where(Region.code.in_(filters.codes))
    return stmt


def _ordered(stmt: Select[Any], sort: str, descending: bool) -> Select[Any]:
    column = REGION_SORTS.get(sort, Region.code)
    # Regions without a population or area come last either way, on every database
    # (PostgreSQL and SQLite disagree on where NULLs sort by default).
    order = column.desc() if descending else column.asc()
    return stmt.order_by(order.nulls_last(), Region.code)


def list_regions(
    session: Session,
    filters: RegionFilter,
    *,
    sort: str = "code",
    descending: bool = False,
    page: int = 1,
    per_page: int = 20,
) -> Page[Region]:
    """Regions matching the filters, with province and participation eagerly joined."""
    stmt = (
        select(Region)
        .join(Region.province)
        .outerjoin(Region.participation)
        .options(contains_eager(Region.province), contains_eager(Region.participation))
    )
    return paginate(session, _ordered(_filtered(stmt, filters), sort, descending), page, per_page)


#: The columns of :func:`list_region_rows`, in this order.
REGION_ROW_COLUMNS = (
    Region.code, Region.name, Region.kind, Region.province_code, Province.name,
    Region.population, Region.area_km2, Participation.cohort_year, Participation.stage,
)


@lru_cache(maxsize=128)
def _region_rows_statements(
    filters: RegionFilter, sort: str, descending: bool
) -> tuple[Select[Any], Select[Any]]:
    """The page statement (rows of :data:`REGION_ROW_COLUMNS` plus the total, ``LIMIT
    :limit OFFSET :offset``) and the count statement for these filters and order.

    Built once per distinct query and reused: building and coercing the statement cost more
    CPU (about 0.25 ms) than running it. Statements are immutable, so threads may share them.
    """
    base = _ordered(_filtered(
        select(*REGION_ROW_COLUMNS)
        .join(Province, Province.code == Region.province_code)
        .outerjoin(Participation, Participation.region_code == Region.code),
        filters,
    ), sort, descending)
    # As core.pagination.paginate: the total is an uncorrelated scalar subquery.
    count = select(func.count()).select_from(base.order_by(None).subquery())
    page = (
        base.add_columns(count.correlate(None).scalar_subquery().label("_total"))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return page, count


def list_region_rows(
    connection: Connection,
    filters: RegionFilter,
    *,
    sort: str = "code",
    descending: bool = False,
    page: int = 1,
    per_page: int = 20,
) -> Page[tuple[Any, ...]]:
    """The same regions, order, page and total as :func:`list_regions`, as plain rows of
    :data:`REGION_ROW_COLUMNS`: for read-only lists, without building ORM objects.

    It takes a plain connection (``session.connection()`` will do): without the ORM session's
    bookkeeping and result machinery the statement costs about half as much CPU."""
    page_stmt, count_stmt = _region_rows_statements(filters, sort, descending)
    rows = connection.execute(page_stmt,
                              {"limit": per_page, "offset": (page - 1) * per_page}).all()
    if rows:
        return Page(items=[tuple(row[:-1]) for row in rows], total=rows[0][-1], page=page,
                    per_page=per_page)
    total = connection.execute(count_stmt).scalar() if page > 1 else 0
    return Page(items=[], total=total or 0, page=page, per_page=per_page)


def get_region(session: Session, code: str) -> Region:
    """One region with its province and participation, or NotFound."""
    region = session.scalar(
        select(Region)
        .join(Region.province)
        .outerjoin(Region.participation)
        .options(contains_eager(Region.province), contains_eager(Region.participation))
        .where(Region.code == code)
    )
    if region is None:
        raise NotFound(_l("Region %(code)s was not found.", code=code))
    return region


def list_provinces(session: Session, code: str | None = None) -> list[tuple[Province, int, int]]:
    """Provinces (all, or the one with ``code``) with their number of regions and of
    participating regions."""
    stmt = (
        select(
            Province,
            func.count(Region.code),
            func.count(Participation.region_code),
        )
        .outerjoin(Region, Region.province_code == Province.code)
        .outerjoin(Participation, Participation.region_code == Region.code)
        .group_by(Province.code)
        .order_by(Province.code)
    )
    if code is not None:
        stmt = stmt.where(Province.code == code)
    return [(p, n, m) for p, n, m in session.execute(stmt).all()]


def participation_by_cohort(session: Session) -> list[tuple[int, int]]:
    """``(cohort_year, number of participating regions)`` for every cohort, oldest first."""
    counts = dict(
        session.execute(
            select(Participation.cohort_year, func.count()).group_by(Participation.cohort_year)
        ).all()
    )
    return [(year, int(counts.get(year, 0))) for year in COHORT_YEARS]


def get_province_summary(session: Session, code: str) -> tuple[Province, int, int]:
    """One province with its counts, or NotFound."""
    rows = list_provinces(session, code)
    if not rows:
        raise NotFound(_l("Province %(code)s was not found.", code=code))
    return rows[0]


def _participation_payload(region: Region, participation: Participation) -> dict:
    return {
        "region_code": region.code,
        "region_name": region.name,
        "province_code": region.province_code,
        "cohort_year": participation.cohort_year,
        "stage": participation.stage,
    }


def join_movement(
    session: Session, actor: Principal | None, region_code: str, cohort_year: int,
    stage: str = "selected", *, is_demo: bool = False,
) -> Participation:
    """Record that a region joined the movement in a cohort (admin only)."""
    if actor is None or not actor.is_admin:
        raise PermissionDenied()
    region = get_region(session, region_code)
    errors = {}
    if cohort_year not in COHORT_YEARS:
        errors["cohort_year"] = [_l("Not a cohort year of the movement.")]
    if stage not in STAGES:
        errors["stage"] = [_l("Unknown stage.")]
    if errors:
        raise ValidationFailed(errors=errors)
    if region.participation is not None:
        raise Conflict(_l("This region has already joined the movement."))
    participation = Participation(
        region_code=region.code, cohort_year=cohort_year, stage=stage, is_demo=is_demo, version=1
    )
    session.add(participation)
    record_event(
        session,
        "sinergi.region.joined",
        subject=region.code,
        sequence=participation.version,
        data=_participation_payload(region, participation),
    )
    return participation


def change_stage(
    session: Session, actor: Principal | None, region_code: str, stage: str, reason: str = ""
) -> Participation:
    """Move a participating region to another stage (admin only)."""
    if actor is None or not actor.is_admin:
        raise PermissionDenied()
    region = get_region(session, region_code)
    if stage not in STAGES:
        raise ValidationFailed(errors={"stage": [_l("Unknown stage.")]})
    participation = region.participation
    if participation is None:
        raise Conflict(_l("This region has not joined the movement."))
    if participation.stage == stage:
        return participation
    previous = participation.stage
    participation.stage = stage
    participation.version += 1
    data = _participation_payload(region, participation)
    data.update(previous_stage=previous, reason=reason)
    record_event(
        session,
        "sinergi.region.stage_changed",
        subject=region.code,
        sequence=participation.version,
        data=data,
    )
    return participation


def read_regions_file(path: Path = DATA_FILE) -> list[dict[str, str]]:
    """Rows of the shipped Kemendagri data file."""
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _number(value: str, kind: Callable[[str], float | int]) -> float | int | None:
    return kind(value) if value not in ("", None) else None


def load_reference_data(
    session: Session, rows: Iterable[dict[str, str]], progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Insert or update provinces and regions idempotently. Returns (provinces, regions)."""
    rows = list(rows)
    provinces = {p.code: p for p in session.scalars(select(Province))}
    regions = {r.code: r for r in session.scalars(select(Region))}
    n_prov = n_reg = 0
    for row in rows:
        if row["kind"] == "provinsi":
            target = provinces.get(row["code"]) or Province(code=row["code"])
            target.name = row["name"]
            target.population = _number(row["population_2025"], int)
            target.area_km2 = _number(row["area_km2"], float)
            if row["code"] not in provinces:
                session.add(target)
                provinces[row["code"]] = target
            n_prov += 1
            if progress:
                progress(1)
    session.flush()
    for row in rows:
        if row["kind"] in ("kota", "kabupaten"):
            target = regions.get(row["code"]) or Region(code=row["code"])
            target.name = row["name"]
            target.kind = row["kind"]
            target.province_code = row["province_code"]
            target.population = _number(row["population_2025"], int)
            target.area_km2 = _number(row["area_km2"], float)
            if row["code"] not in regions:
                session.add(target)
                regions[row["code"]] = target
            n_reg += 1
            if progress:
                progress(1)
    session.flush()
    return n_prov, n_reg
