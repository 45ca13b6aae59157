"""Read-only views of core data for plugins: regions, provinces, organisations, people, plans.

Plugins never import core models; they read through these functions, which return plain frozen
dataclasses. Each function issues one SQL statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.models import User
from core.errors import NotFound
from core.orgs.models import Membership, Organisation
from core.plans.models import MasterPlan, Programme
from core.regions.models import Participation, Province, Region


@dataclass(frozen=True)
class ProvinceInfo:
    code: str
    name: str
    population: int | None
    area_km2: float | None


@dataclass(frozen=True)
class RegionInfo:
    """A kabupaten/kota with its province and its place in the movement (if it joined)."""

    code: str
    name: str
    kind: str
    province_code: str
    province_name: str
    population: int | None
    area_km2: float | None
    cohort_year: int | None
    stage: str | None

    @property
    def participating(self) -> bool:
        return self.cohort_year is not None


@dataclass(frozen=True)
class OrganisationInfo:
    id: int
    slug: str
    name: str
    type: str
    verified: bool
    region_code: str | None
    about: str
    capabilities: str
    dimensions: tuple[str, ...]
    provinces_served: tuple[str, ...]
    website: str


@dataclass(frozen=True)
class PersonInfo:
    """A user as other users may see them, with the language they read."""

    id: int
    name: str
    email: str
    locale: str | None


@dataclass(frozen=True)
class ProgrammeInfo:
    id: int
    title: str
    description: str
    dimension: str
    sub_dimension: str
    horizon: str
    quick_win: bool
    budget_idr: int
    status: str


@dataclass(frozen=True)
class PlanInfo:
    id: int
    region_code: str
    title: str
    period_start: int
    period_end: int
    status: str
    vision: str
    programmes: tuple[ProgrammeInfo, ...]


def _region_query():
    return (
        select(Region, Province.name, Participation.cohort_year, Participation.stage)
        .join(Province, Province.code == Region.province_code)
        .outerjoin(Participation, Participation.region_code == Region.code)
    )


def _region(row) -> RegionInfo:
    region, province_name, cohort, stage = row
    return RegionInfo(region.code, region.name, region.kind, region.province_code,
                      province_name, region.population, region.area_km2, cohort, stage)


def get_region(session: Session, code: str) -> RegionInfo:
    """One region, or NotFound."""
    row = session.execute(_region_query().where(Region.code == code)).first()
    if row is None:
        raise NotFound(f"region {code} not found")
    return _region(row)


def list_regions(
    session: Session,
    *,
    codes: Iterable[str] | None = None,
    province: str | None = None,
    participating: bool | None = None,
) -> list[RegionInfo]:
    """Regions ordered by code, optionally limited to codes, a province or participation."""
    stmt = _region_query().order_by(Region.code)
    if codes is not None:
        stmt = stmt.where(Region.code.in_(list(codes)))
    if province:
        stmt = stmt.where(Region.province_code == province)
    if participating is True:
        stmt = stmt.where(Participation.region_code.is_not(None))
    elif participating is False:
        stmt = stmt.where(Participation.region_code.is_(None))
    return [_region(row) for row in session.execute(stmt)]


def list_provinces(session: Session) -> list[ProvinceInfo]:
    """The 38 provinces ordered by code."""
    return [
        ProvinceInfo(p.code, p.name, p.population, p.area_km2)
        for p in session.scalars(select(Province).order_by(Province.code))
    ]


def _org(org: Organisation) -> OrganisationInfo:
    return OrganisationInfo(
        org.id, org.slug, org.name, org.type, org.verified, org.region_code, org.about,
        org.capabilities, tuple(org.dimensions or ()), tuple(org.provinces_served or ()),
        org.website,
    )


def get_organisation(session: Session, organisation_id: int) -> OrganisationInfo:
    """One organisation, or NotFound."""
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(f"organisation {organisation_id} not found")
    return _org(org)


def list_organisations(
    session: Session, *, ids: Iterable[int] | None = None, type: str | None = None,
    region_codes: Iterable[str] | None = None,
) -> list[OrganisationInfo]:
    """Organisations ordered by name, optionally by ids, type or governed regions."""
    stmt = select(Organisation).order_by(Organisation.name, Organisation.id)
    if ids is not None:
        stmt = stmt.where(Organisation.id.in_(list(ids)))
    if type:
        stmt = stmt.where(Organisation.type == type)
    if region_codes is not None:
        stmt = stmt.where(Organisation.region_code.in_(list(region_codes)))
    return [_org(org) for org in session.scalars(stmt)]


def get_people(session: Session, user_ids: Iterable[int]) -> list[PersonInfo]:
    """Active users by id."""
    stmt = select(User).where(User.id.in_(list(user_ids)), User.is_active.is_(True))
    return [PersonInfo(u.id, u.name, u.email, u.locale) for u in session.scalars(stmt)]


def members_of(session: Session, organisation_id: int) -> list[PersonInfo]:
    """Active members of an organisation (for a region's government organisation: its
    officers)."""
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.is_active.is_(True))
        .order_by(User.id)
    )
    return [PersonInfo(u.id, u.name, u.email, u.locale) for u in session.scalars(stmt)]


def officers_of(session: Session, region_code: str) -> list[PersonInfo]:
    """Active officers of a region (members of its government organisation)."""
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Organisation.region_code == region_code, User.is_active.is_(True))
        .order_by(User.id)
    )
    return [PersonInfo(u.id, u.name, u.email, u.locale) for u in session.scalars(stmt)]


def approved_plans(session: Session, region_code: str) -> list[PlanInfo]:
    """A region's approved master plans with their programmes, newest period first."""
    rows = session.execute(
        select(MasterPlan, Programme)
        .outerjoin(Programme, Programme.plan_id == MasterPlan.id)
        .where(MasterPlan.region_code == region_code, MasterPlan.status == "approved")
        .order_by(MasterPlan.period_start.desc(), MasterPlan.id, Programme.position)
    ).all()
    plans: dict[int, tuple[MasterPlan, list[ProgrammeInfo]]] = {}
    for plan, prog in rows:
        entry = plans.setdefault(plan.id, (plan, []))
        if prog is not None:
            entry[1].append(ProgrammeInfo(
                prog.id, prog.title, prog.description, prog.dimension, prog.sub_dimension,
                prog.horizon, prog.quick_win, prog.budget_idr, prog.status,
            ))
    return [
        PlanInfo(p.id, p.region_code, p.title, p.period_start, p.period_end, p.status,
                 p.vision, tuple(progs))
        for p, progs in plans.values()
    ]


def list_evaluators(session: Session, *, ids: Iterable[int] | None = None) -> list[PersonInfo]:
    """Active users who are evaluators (assessors), ordered by name; optionally only ``ids``."""
    stmt = (
        select(User)
        .where(User.is_evaluator.is_(True), User.is_active.is_(True))
        .order_by(User.name, User.id)
    )
    if ids is not None:
        stmt = stmt.where(User.id.in_(list(ids)))
    return [PersonInfo(u.id, u.name, u.email, u.locale) for u in session.scalars(stmt)]
