"""Matchmaking services: needs, offers, stored matches, interests, collaborations and saved
searches. The API, the pages, the CLI and the event handlers all call these functions.

Rules: needs belong to a region and are written by its officers; offers belong to a non-
government organisation and are written by its members. Interest messages are seen only by
the organisation's members and the region's officers. Every change writes its outbox event
(and, for needs and offers, an index change row) in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from core.plugin import (
    Conflict,
    NotFound,
    Page,
    PermissionDenied,
    Principal,
    StaleVersion,
    ValidationFailed,
    _l,
    directory,
    paginate,
    rate_limit,
    record_event,
    taxonomy,
    utcnow,
)
from plugins.matchmaking import engine
from plugins.matchmaking.config import weights
from plugins.matchmaking.index_store import MatchIndex
from plugins.matchmaking.models import (
    COLLABORATION_STAGES,
    NEED_STATUSES,
    PARTNER_TYPES,
    Collaboration,
    IndexChange,
    Interest,
    Match,
    Need,
    Offer,
    SavedSearch,
)

SOURCE = "urn:sinergi:plugin:matchmaking"
MAX_BUDGET = 10**15
NEED_FIELDS = ("title", "description", "dimension", "sub_dimension", "programme_id",
               "budget_min", "budget_max", "partner_types", "deadline")
OFFER_FIELDS = ("title", "description", "dimensions", "sub_dimensions", "provinces", "national",
                "price_min", "price_max", "references")
TERMINAL_STAGES = ("completed", "stopped")

Emit = Callable[..., Any]


def today() -> dt.date:
    return utcnow().date()


def _emit(session: Session, event_type: str, subject: str, sequence: int,
          data: dict[str, Any]) -> None:
    record_event(session, event_type, subject=subject, sequence=sequence, data=data,
                 source=SOURCE)


# ---------------------------------------------------------------- who may do what


def partner_org_ids(actor: Principal | None) -> list[int]:
    """The non-government organisations the actor is a member of."""
    if actor is None:
        return []
    return sorted({r.organisation_id for r in actor.roles if r.org_type != "government"})


def can_edit_need(actor: Principal | None, need: Need) -> bool:
    return actor is not None and actor.is_officer(need.region_code)


def can_edit_offer(actor: Principal | None, offer: Offer) -> bool:
    return actor is not None and actor.is_member(offer.organisation_id)


def _require_partner_member(actor: Principal | None, organisation_id: int) -> None:
    if actor is None or organisation_id not in partner_org_ids(actor):
        raise PermissionDenied(_l("Only members of a partner organisation can do this for it."))


def acting_org(actor: Principal | None, organisation_id: int | None) -> int:
    """The partner organisation the actor acts for: the one named, or their only one."""
    orgs = partner_org_ids(actor)
    if organisation_id is not None:
        if organisation_id not in orgs:
            raise PermissionDenied(_l("You are not a member of this organisation."))
        return organisation_id
    if not orgs:
        raise PermissionDenied(_l("Only members of a partner organisation can do this."))
    if len(orgs) > 1:
        raise ValidationFailed(errors={"organisation_id": [
            _l("You belong to several organisations: choose one.")]})
    return orgs[0]


# ---------------------------------------------------------------- validation


def _check_budget(errors: dict[str, list[Any]], lo: Any, hi: Any, lo_name: str,
                  hi_name: str) -> None:
    for name, value in ((lo_name, lo), (hi_name, hi)):
        if value is not None and (not isinstance(value, int) or not 0 <= value <= MAX_BUDGET):
            errors.setdefault(name, []).append(_l("Enter an amount in rupiah, 0 or more."))
    if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
        errors.setdefault(hi_name, []).append(
            _l("The maximum must not be below the minimum."))


def _check_need(session: Session, values: dict[str, Any], region_code: str,
                creating: bool) -> dict[str, Any]:
    errors: dict[str, list[Any]] = {}
    extra: dict[str, Any] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = [_l("Give the need a title.")]
    elif len(title) > 200:
        errors["title"] = [_l("At most 200 characters.")]
    if values.get("dimension") not in taxonomy.DIMENSIONS:
        errors["dimension"] = [_l("Choose a smart city dimension.")]
    sub = values.get("sub_dimension")
    if sub and taxonomy.SUB_DIMENSIONS.get(sub) != values.get("dimension"):
        errors["sub_dimension"] = [_l("Choose a sub-dimension of the chosen dimension.")]
    _check_budget(errors, values.get("budget_min"), values.get("budget_max"), "budget_min",
                  "budget_max")
    bad_types = [t for t in values.get("partner_types") or [] if t not in PARTNER_TYPES]
    if bad_types:
        errors["partner_types"] = [_l("Unknown partner type.")]
    deadline = values.get("deadline")
    if deadline is not None and creating and deadline < today():
        errors["deadline"] = [_l("The deadline must not be in the past.")]
    programme_id = values.get("programme_id")
    extra["programme_title"] = ""
    if programme_id is not None:
        programmes = {
            p.id: p for plan in directory.approved_plans(session, region_code)
            for p in plan.programmes
        }
        if programme_id not in programmes:
            errors["programme_id"] = [
                _l("Choose a programme of your region's approved master plan.")]
        else:
            extra["programme_title"] = programmes[programme_id].title
    if errors:
        raise ValidationFailed(errors=errors)
    return extra


def _check_offer(values: dict[str, Any]) -> None:
    errors: dict[str, list[Any]] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = [_l("Give the offer a title.")]
    if not (values.get("description") or "").strip():
        errors["description"] = [_l("Describe the solution or capability you offer.")]
    dims = values.get("dimensions") or []
    if not dims:
        errors["dimensions"] = [_l("Choose at least one dimension.")]
    elif any(d not in taxonomy.DIMENSIONS for d in dims):
        errors["dimensions"] = [_l("Unknown dimension.")]
    if any(s not in taxonomy.SUB_DIMENSIONS for s in values.get("sub_dimensions") or []):
        errors["sub_dimensions"] = [_l("Unknown sub-dimension.")]
    province_codes = values.get("provinces") or []
    if any(not (isinstance(p, str) and len(p) == 2 and p.isdigit()) for p in province_codes):
        errors["provinces"] = [_l("Unknown province.")]
    if not province_codes and not values.get("national"):
        errors["provinces"] = [_l("Choose the provinces you serve, or national.")]
    _check_budget(errors, values.get("price_min"), values.get("price_max"), "price_min",
                  "price_max")
    if errors:
        raise ValidationFailed(errors=errors)


def _offer_tags(offer: Offer) -> str:
    tags = [f"dim:{d}" for d in offer.dimensions or []]
    tags += [f"sub:{s}" for s in offer.sub_dimensions or []]
    tags += [f"prov:{p}" for p in offer.provinces or []]
    if offer.national:
        tags.append("national")
    return "," + ",".join(tags) + ","


# ---------------------------------------------------------------- needs


def _need_data(need: Need) -> dict[str, Any]:
    return {
        "need_id": need.id, "region_code": need.region_code,
        "province_code": need.province_code, "title": need.title,
        "dimension": need.dimension, "sub_dimension": need.sub_dimension,
        "status": need.status, "version": need.version,
    }


def _changed(session: Session, kind: str, doc_id: int) -> None:
    session.add(IndexChange(kind=kind, doc_id=doc_id, at=utcnow()))


def create_need(session: Session, actor: Principal | None, region_code: str,
                values: dict[str, Any]) -> Need:
    """Post a need for a region (its officers only)."""
    if actor is None or not actor.is_officer(region_code):
        raise PermissionDenied(_l("Only the region's officers can post its needs."))
    region = directory.get_region(session, region_code)
    extra = _check_need(session, values, region_code, creating=True)
    need = Need(region_code=region_code, province_code=region.province_code,
                region_name=region.name, status="open", created_by=actor.user_id,
                partner_types=[], **extra)
    for name in NEED_FIELDS:
        if name in values:
            setattr(need, name, values[name])
    need.title = need.title.strip()
    session.add(need)
    session.flush()
    _changed(session, "need", need.id)
    _emit(session, "sinergi.need.posted", f"need:{need.id}", need.version, _need_data(need))
    return need


def get_need(session: Session, need_id: int) -> Need:
    """A need (needs are public)."""
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound(_l("The need was not found."))
    return need


def update_need(session: Session, actor: Principal | None, need_id: int,
                values: dict[str, Any], *, expected_version: int | None = None) -> Need:
    """Edit a need or change its status (its region's officers); ``sinergi.need.updated``, and
    ``sinergi.need.closed`` when it closes."""
    need = get_need(session, need_id)
    if not can_edit_need(actor, need):
        raise PermissionDenied(_l("Only the region's officers can change its needs."))
    if expected_version is not None and expected_version != need.version:
        raise StaleVersion()
    status = values.get("status", need.status)
    if status not in NEED_STATUSES:
        raise ValidationFailed(errors={"status": [_l("Unknown status.")]})
    merged = {name: values.get(name, getattr(need, name)) for name in NEED_FIELDS}
    extra = _check_need(session, merged, need.region_code, creating=False)
    if "programme_id" in values:
        need.programme_title = extra["programme_title"]
    for name in NEED_FIELDS:
        if name in values:
            setattr(need, name, values[name])
    was = need.status
    need.status = status
    need.version += 1
    need.updated_at = utcnow()
    session.flush()
    _changed(session, "need", need.id)
    _emit(session, "sinergi.need.updated", f"need:{need.id}", need.version, _need_data(need))
    if status == "closed" and was != "closed":
        _emit(session, "sinergi.need.closed", f"need:{need.id}", need.version,
              _need_data(need))
    return need


def close_need(session: Session, actor: Principal | None, need_id: int,
               *, expected_version: int | None = None) -> Need:
    return update_need(session, actor, need_id, {"status": "closed"},
                       expected_version=expected_version)


@dataclass(frozen=True)
class NeedFilter:
    region: str | None = None
    regions: tuple[str, ...] | None = None
    province: str | None = None
    dimension: str | None = None
    status: str | None = "open"
    q: str | None = None


NEED_SORTS = {"created": Need.created_at, "deadline": Need.deadline, "title": Need.title}


def list_needs(session: Session, filters: NeedFilter, *, sort: str = "created",
               descending: bool = True, page: int = 1, per_page: int = 20) -> Page[Need]:
    """Needs, filtered (one statement)."""
    stmt = select(Need)
    if filters.region:
        stmt = stmt.where(Need.region_code == filters.region)
    if filters.regions is not None:
        stmt = stmt.where(Need.region_code.in_(sorted(filters.regions)))
    if filters.province:
        stmt = stmt.where(Need.province_code == filters.province)
    if filters.dimension:
        stmt = stmt.where(Need.dimension == filters.dimension)
    if filters.status:
        stmt = stmt.where(Need.status == filters.status)
    if filters.q:
        q = filters.q.strip()
        stmt = stmt.where(or_(Need.title.icontains(q, autoescape=True),
                              Need.description.icontains(q, autoescape=True)))
    column = NEED_SORTS.get(sort, Need.created_at)
    stmt = stmt.order_by(column.desc() if descending else column.asc(), Need.id.desc())
    return paginate(session, stmt, page, per_page)


# ---------------------------------------------------------------- offers


def _offer_data(offer: Offer) -> dict[str, Any]:
    return {"offer_id": offer.id, "organisation_id": offer.organisation_id,
            "title": offer.title, "dimensions": list(offer.dimensions or []),
            "status": offer.status, "version": offer.version}


def create_offer(session: Session, actor: Principal | None, organisation_id: int,
                 values: dict[str, Any]) -> Offer:
    """Publish an offer for a partner organisation (its members only)."""
    _require_partner_member(actor, organisation_id)
    org = directory.get_organisation(session, organisation_id)
    if org.type == "government":
        raise PermissionDenied(_l("Government organisations post needs, not offers."))
    _check_offer(values)
    offer = Offer(organisation_id=org.id, org_name=org.name, org_type=org.type,
                  status="published", created_by=actor.user_id, sub_dimensions=[],
                  provinces=[], national=False)
    for name in OFFER_FIELDS:
        if name in values:
            setattr(offer, name, values[name])
    offer.title = offer.title.strip()
    offer.tags = _offer_tags(offer)
    session.add(offer)
    session.flush()
    _changed(session, "offer", offer.id)
    _emit(session, "sinergi.offer.published", f"offer:{offer.id}", offer.version,
          _offer_data(offer))
    return offer


def get_offer(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound(_l("The offer was not found."))
    return offer


def update_offer(session: Session, actor: Principal | None, offer_id: int,
                 values: dict[str, Any], *, expected_version: int | None = None) -> Offer:
    """Edit an offer (its organisation's members)."""
    offer = get_offer(session, offer_id)
    if not can_edit_offer(actor, offer):
        raise PermissionDenied(_l("Only the organisation's members can change its offers."))
    if expected_version is not None and expected_version != offer.version:
        raise StaleVersion()
    if offer.status == "withdrawn":
        raise Conflict(_l("The offer was withdrawn."))
    _check_offer({name: values.get(name, getattr(offer, name)) for name in OFFER_FIELDS})
    for name in OFFER_FIELDS:
        if name in values:
            setattr(offer, name, values[name])
    offer.tags = _offer_tags(offer)
    offer.version += 1
    offer.updated_at = utcnow()
    session.flush()
    _changed(session, "offer", offer.id)
    _emit(session, "sinergi.offer.updated", f"offer:{offer.id}", offer.version,
          _offer_data(offer))
    return offer


def withdraw_offer(session: Session, actor: Principal | None, offer_id: int,
                   *, expected_version: int | None = None) -> Offer:
    offer = get_offer(session, offer_id)
    if not can_edit_offer(actor, offer):
        raise PermissionDenied(_l("Only the organisation's members can change its offers."))
    if expected_version is not None and expected_version != offer.version:
        raise StaleVersion()
    if offer.status == "withdrawn":
        raise Conflict(_l("The offer was already withdrawn."))
    offer.status = "withdrawn"
    offer.version += 1
    offer.updated_at = utcnow()
    session.flush()
    _changed(session, "offer", offer.id)
    _emit(session, "sinergi.offer.withdrawn", f"offer:{offer.id}", offer.version,
          _offer_data(offer))
    return offer


@dataclass(frozen=True)
class OfferFilter:
    organisation: int | None = None
    dimension: str | None = None
    province: str | None = None
    status: str | None = "published"
    q: str | None = None


OFFER_SORTS = {"created": Offer.created_at, "title": Offer.title}


def list_offers(session: Session, filters: OfferFilter, *, sort: str = "created",
                descending: bool = True, page: int = 1, per_page: int = 20) -> Page[Offer]:
    """Offers, filtered (one statement). ``province`` includes national offers."""
    stmt = select(Offer)
    if filters.organisation:
        stmt = stmt.where(Offer.organisation_id == filters.organisation)
    if filters.dimension:
        stmt = stmt.where(Offer.tags.contains(f",dim:{filters.dimension},"))
    if filters.province:
        stmt = stmt.where(or_(Offer.tags.contains(f",prov:{filters.province},"),
                              Offer.national.is_(True)))
    if filters.status:
        stmt = stmt.where(Offer.status == filters.status)
    if filters.q:
        q = filters.q.strip()
        stmt = stmt.where(or_(Offer.title.icontains(q, autoescape=True),
                              Offer.description.icontains(q, autoescape=True)))
    column = OFFER_SORTS.get(sort, Offer.created_at)
    stmt = stmt.order_by(column.desc() if descending else column.asc(), Offer.id.desc())
    return paginate(session, stmt, page, per_page)


# ---------------------------------------------------------------- computing matches


def _refresh_best(session: Session, need_ids: set[int]) -> None:
    """Mark, per need and organisation, the organisation's best-scoring offer."""
    if not need_ids:
        return
    rows = session.scalars(select(Match).where(Match.need_id.in_(need_ids)))
    groups: dict[tuple[int, int], list[Match]] = defaultdict(list)
    for row in rows:
        groups[(row.need_id, row.organisation_id)].append(row)
    for group in groups.values():
        group.sort(key=lambda m: (-m.score, m.offer_id))
        for position, row in enumerate(group):
            best = position == 0
            if row.best_for_org != best:
                row.best_for_org = best


def _suggest(emit: Emit | None, need: engine.NeedDoc, scored: engine.Scored) -> None:
    if emit is None:
        return
    emit("sinergi.match.suggested", subject=f"need:{need.id}", sequence=1, data={
        "need_id": need.id, "offer_id": scored.offer_id,
        "organisation_id": scored.organisation_id, "region_code": need.region_code,
        "need_title": need.title, "score": scored.score,
    })


def _published_offer_ids(session: Session, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.scalars(select(Offer.id).where(
        Offer.id.in_(ids), Offer.status == "published")))


def compute_need_matches(session: Session, index: MatchIndex, need_id: int,
                         config: dict[str, Any], emit: Emit | None = None,
                         *, sync: bool = True) -> list[engine.Scored]:
    """Rank the offers for one need and store the result; new (need, organisation) pairs
    are announced with ``sinergi.match.suggested``. Returns the stored matches."""
    if sync:
        index.sync(session)
    need = index.needs.docs.get(need_id)
    existing = {m.offer_id: m for m in session.scalars(
        select(Match).where(Match.need_id == need_id))}
    if need is None or not engine.eligible(need, today()):
        return []  # closed needs keep their matches as history; feeds show open needs
    results = engine.rank_offers(
        need, index.offers, weights(config), today=today(), top_n=config["top_n"],
        min_score=config["min_score"], candidates=config["candidates"],
        saturation=config["text_saturation"],
    )
    alive = _published_offer_ids(session, {r.offer_id for r in results})
    results = [r for r in results if r.offer_id in alive]
    known_orgs = {m.organisation_id for m in existing.values()}
    keep = {r.offer_id for r in results}
    for offer_id, row in existing.items():
        if offer_id not in keep:
            session.delete(row)
    announced: set[int] = set()
    now = utcnow()
    for scored in results:
        row = existing.get(scored.offer_id)
        if row is None:
            session.add(Match(need_id=need_id, offer_id=scored.offer_id,
                              organisation_id=scored.organisation_id, score=scored.score,
                              explanation=scored.explanation, computed_at=now))
        else:
            row.score, row.explanation, row.computed_at = scored.score, scored.explanation, now
        if scored.organisation_id not in known_orgs and scored.organisation_id not in announced:
            announced.add(scored.organisation_id)
            _suggest(emit, need, scored)
    session.flush()
    _refresh_best(session, {need_id})
    return results


def compute_offer_matches(session: Session, index: MatchIndex, offer_id: int,
                          config: dict[str, Any], emit: Emit | None = None,
                          *, sync: bool = True) -> list[engine.Scored]:
    """Rank the open needs for one offer and store the matches (the needs it affects)."""
    if sync:
        index.sync(session)
    existing = {m.need_id: m for m in session.scalars(
        select(Match).where(Match.offer_id == offer_id))}
    results: list[engine.Scored] = []
    if offer_id in index.offers:
        results = engine.rank_needs(
            offer_id, index.offers, index.needs, weights(config), today=today(),
            limit=config["offer_match_limit"], min_score=config["min_score"],
            candidates=config["candidates"], saturation=config["text_saturation"],
        )
        open_ids = set(session.scalars(select(Need.id).where(
            Need.id.in_({r.need_id for r in results}), Need.status == "open")))
        results = [r for r in results if r.need_id in open_ids]
    affected = set(existing) | {r.need_id for r in results}
    org_by_need: dict[int, set[int]] = defaultdict(set)
    if affected:
        for need_id, org_id in session.execute(
            select(Match.need_id, Match.organisation_id).where(Match.need_id.in_(affected))
        ):
            org_by_need[need_id].add(org_id)
    keep = {r.need_id for r in results}
    for need_id, row in existing.items():
        if need_id not in keep:
            session.delete(row)
    now = utcnow()
    for scored in results:
        row = existing.get(scored.need_id)
        if row is None:
            session.add(Match(need_id=scored.need_id, offer_id=offer_id,
                              organisation_id=scored.organisation_id, score=scored.score,
                              explanation=scored.explanation, computed_at=now))
            if scored.organisation_id not in org_by_need[scored.need_id]:
                _suggest(emit, index.needs.docs[scored.need_id], scored)
        else:
            row.score, row.explanation, row.computed_at = scored.score, scored.explanation, now
    session.flush()
    _refresh_best(session, affected)
    return results


def reindex(session: Session, index: MatchIndex, config: dict[str, Any],
            progress: Callable[[int], Any] | None = None) -> int:
    """Rebuild the index from the database and recompute every open need's matches (no
    events are published). Returns the number of needs computed."""
    index.build(session)
    session.execute(delete(Match))
    count = 0
    for need_id in sorted(index.needs.docs):
        compute_need_matches(session, index, need_id, config, None, sync=False)
        count += 1
        if progress is not None:
            progress(1)
    return count


# ---------------------------------------------------------------- reading matches


def need_matches(session: Session, actor: Principal | None, need_id: int,
                 limit: int = 20) -> list[tuple[Match, Offer]]:
    """Suggested partners for a need, best first (the region's officers only)."""
    need = get_need(session, need_id)
    if not can_edit_need(actor, need):
        raise PermissionDenied(_l("Only the region's officers see the suggested partners."))
    rows = session.execute(
        select(Match, Offer).join(Offer, Offer.id == Match.offer_id)
        .where(Match.need_id == need_id, Offer.status == "published")
        .order_by(Match.score.desc(), Match.offer_id).limit(limit)
    ).all()
    return [(m, o) for m, o in rows]


def fit_for(session: Session, actor: Principal | None, need_id: int) -> list[tuple[Match, Offer]]:
    """Why a need matches the actor's organisations: their matches for it, best first."""
    orgs = partner_org_ids(actor)
    if not orgs:
        return []
    rows = session.execute(
        select(Match, Offer).join(Offer, Offer.id == Match.offer_id)
        .where(Match.need_id == need_id, Match.organisation_id.in_(orgs))
        .order_by(Match.score.desc(), Match.offer_id)
    ).all()
    return [(m, o) for m, o in rows]


@dataclass(frozen=True)
class FeedFilter:
    dimension: str | None = None
    province: str | None = None
    budget: int | None = None
    deadline_from: dt.date | None = None
    q: str | None = None


FEED_SORTS = ("fit", "newest", "deadline")


def opportunities(session: Session, organisation_id: int, filters: FeedFilter, *,
                  sort: str = "fit", page: int = 1, per_page: int = 20) -> Page[Any]:
    """The organisation's opportunity feed: open needs it matches, from the stored matches
    (one statement). Items are (Match, Need) pairs."""
    stmt = (
        select(Match, Need).join(Need, Need.id == Match.need_id)
        .where(Match.organisation_id == organisation_id, Match.best_for_org.is_(True),
               Need.status == "open", or_(Need.deadline.is_(None), Need.deadline >= today()))
    )
    if filters.dimension:
        stmt = stmt.where(Need.dimension == filters.dimension)
    if filters.province:
        stmt = stmt.where(Need.province_code == filters.province)
    if filters.budget is not None:
        stmt = stmt.where(or_(Need.budget_min.is_(None), Need.budget_min <= filters.budget),
                          or_(Need.budget_max.is_(None), Need.budget_max >= filters.budget))
    if filters.deadline_from is not None:
        stmt = stmt.where(or_(Need.deadline.is_(None), Need.deadline >= filters.deadline_from))
    if filters.q:
        q = filters.q.strip()
        stmt = stmt.where(or_(Need.title.icontains(q, autoescape=True),
                              Need.description.icontains(q, autoescape=True)))
    if sort == "newest":
        stmt = stmt.order_by(Need.created_at.desc(), Need.id.desc())
    elif sort == "deadline":
        stmt = stmt.order_by(Need.deadline.is_(None), Need.deadline.asc(), Need.id.desc())
    else:
        stmt = stmt.order_by(Match.score.desc(), Need.id.desc())
    return paginate(session, stmt, page, per_page)


# ---------------------------------------------------------------- interests


def _interest_data(interest: Interest, need: Need) -> dict[str, Any]:
    return {"interest_id": interest.id, "need_id": need.id,
            "organisation_id": interest.organisation_id, "org_name": interest.org_name,
            "region_code": need.region_code, "need_title": need.title}


def express_interest(session: Session, actor: Principal | None, need_id: int,
                     organisation_id: int | None, message: str, offer_id: int | None = None,
                     *, limit: str | None = "10 per minute") -> Interest:
    """A partner organisation expresses interest in an open need (one open interest per
    organisation and need; 409 otherwise)."""
    org_id = acting_org(actor, organisation_id)
    if limit:
        rate_limit("matchmaking.interest", str(actor.user_id), limit)
    need = get_need(session, need_id)
    if need.status != "open":
        raise Conflict(_l("This need is no longer open for interest."))
    message = (message or "").strip()
    if not message:
        raise ValidationFailed(errors={"message": [
            _l("Write a short message to the region: who you are and how you can help.")]})
    if len(message) > 5000:
        raise ValidationFailed(errors={"message": [_l("At most 5000 characters.")]})
    if offer_id is not None:
        offer = session.get(Offer, offer_id)
        if offer is None or offer.organisation_id != org_id:
            raise ValidationFailed(errors={"offer_id": [
                _l("Choose one of your organisation's offers.")]})
    duplicate = session.scalar(select(Interest.id).where(
        Interest.need_id == need_id, Interest.organisation_id == org_id,
        Interest.status == "open"))
    if duplicate is not None:
        raise Conflict(_l("Your organisation has already expressed interest in this need."))
    org = directory.get_organisation(session, org_id)
    interest = Interest(need_id=need_id, organisation_id=org_id, org_name=org.name,
                        region_code=need.region_code, offer_id=offer_id, message=message,
                        status="open", created_by=actor.user_id, created_at=utcnow())
    session.add(interest)
    session.flush()
    _emit(session, "sinergi.interest.expressed", f"interest:{interest.id}", 1,
          _interest_data(interest, need))
    return interest


def can_see_interest(actor: Principal | None, interest: Interest) -> bool:
    """Only the two parties: the organisation's members and the region's officers."""
    return actor is not None and (actor.is_member(interest.organisation_id)
                                  or actor.is_officer(interest.region_code))


def get_interest(session: Session, actor: Principal | None, interest_id: int) -> Interest:
    interest = session.get(Interest, interest_id)
    if interest is None or not can_see_interest(actor, interest):
        raise NotFound(_l("The interest was not found."))
    return interest


def list_interests(session: Session, actor: Principal | None, *, need_id: int | None = None,
                   status: str | None = None, page: int = 1,
                   per_page: int = 20) -> Page[Any]:
    """Interests the actor is a party to (incoming for officers, sent for partners), with
    their need: (Interest, Need) pairs, newest first, one statement."""
    if actor is None:
        return Page(items=[], total=0, page=page, per_page=per_page)
    clauses = []
    if actor.region_codes:
        clauses.append(Interest.region_code.in_(sorted(actor.region_codes)))
    if actor.organisation_ids:
        clauses.append(Interest.organisation_id.in_(sorted(actor.organisation_ids)))
    if not clauses:
        return Page(items=[], total=0, page=page, per_page=per_page)
    stmt = select(Interest, Need).join(Need, Need.id == Interest.need_id).where(or_(*clauses))
    if need_id is not None:
        stmt = stmt.where(Interest.need_id == need_id)
    if status:
        stmt = stmt.where(Interest.status == status)
    stmt = stmt.order_by(Interest.created_at.desc(), Interest.id.desc())
    return paginate(session, stmt, page, per_page)


def decide_interest(session: Session, actor: Principal | None, interest_id: int, accept: bool,
                    reason: str = "") -> Interest:
    """The region accepts (a collaboration is formed) or declines (with a reason)."""
    interest = get_interest(session, actor, interest_id)
    if not actor.is_officer(interest.region_code):
        raise PermissionDenied(_l("Only the region's officers decide on interests."))
    if interest.status != "open":
        raise Conflict(_l("This interest has already been decided or withdrawn."))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationFailed(errors={"reason": [
            _l("Tell the organisation why you decline.")]})
    need = get_need(session, interest.need_id)
    interest.status = "accepted" if accept else "declined"
    interest.decision_reason = reason[:5000]
    interest.decided_by = actor.user_id
    interest.decided_at = utcnow()
    session.flush()
    data = _interest_data(interest, need)
    _emit(session, f"sinergi.interest.{interest.status}", f"interest:{interest.id}", 2, data)
    if accept:
        collaboration = Collaboration(
            interest_id=interest.id, need_id=need.id, organisation_id=interest.organisation_id,
            org_name=interest.org_name, region_code=need.region_code, need_title=need.title,
            stage="interest", created_at=utcnow(), updated_at=utcnow(),
            history=[{"stage": "interest", "at": utcnow().isoformat(), "by": actor.user_id,
                      "note": ""}],
        )
        session.add(collaboration)
        session.flush()
        _emit(session, "sinergi.collaboration.formed", f"collaboration:{collaboration.id}", 1,
              {"collaboration_id": collaboration.id, "interest_id": interest.id,
               "need_id": need.id, "organisation_id": interest.organisation_id,
               "region_code": need.region_code, "need_title": need.title,
               "stage": collaboration.stage})
    return interest


def withdraw_interest(session: Session, actor: Principal | None, interest_id: int) -> Interest:
    """The organisation takes back its open interest (``sinergi.interest.withdrawn``)."""
    interest = get_interest(session, actor, interest_id)
    if not actor.is_member(interest.organisation_id):
        raise PermissionDenied(_l("Only the organisation's members can withdraw its interest."))
    if interest.status != "open":
        raise Conflict(_l("This interest has already been decided or withdrawn."))
    need = get_need(session, interest.need_id)
    interest.status = "withdrawn"
    interest.decided_at = utcnow()
    session.flush()
    _emit(session, "sinergi.interest.withdrawn", f"interest:{interest.id}", 2,
          _interest_data(interest, need))
    return interest


# ---------------------------------------------------------------- collaborations


def can_see_collaboration(actor: Principal | None, collab: Collaboration) -> bool:
    return actor is not None and (actor.is_member(collab.organisation_id)
                                  or actor.is_officer(collab.region_code) or actor.is_admin)


def get_collaboration(session: Session, actor: Principal | None,
                      collaboration_id: int) -> Collaboration:
    collab = session.get(Collaboration, collaboration_id)
    if collab is None or not can_see_collaboration(actor, collab):
        raise NotFound(_l("The collaboration was not found."))
    return collab


def list_collaborations(session: Session, actor: Principal | None, *, page: int = 1,
                        per_page: int = 20) -> Page[Collaboration]:
    if actor is None:
        return Page(items=[], total=0, page=page, per_page=per_page)
    stmt = select(Collaboration)
    if not actor.is_admin:
        clauses = []
        if actor.region_codes:
            clauses.append(Collaboration.region_code.in_(sorted(actor.region_codes)))
        if actor.organisation_ids:
            clauses.append(Collaboration.organisation_id.in_(sorted(actor.organisation_ids)))
        if not clauses:
            return Page(items=[], total=0, page=page, per_page=per_page)
        stmt = stmt.where(or_(*clauses))
    stmt = stmt.order_by(Collaboration.updated_at.desc(), Collaboration.id.desc())
    return paginate(session, stmt, page, per_page)


def next_stages(collab: Collaboration) -> list[str]:
    """Stages a collaboration may move to: any later stage, or stopped."""
    if collab.stage in TERMINAL_STAGES:
        return []
    position = COLLABORATION_STAGES.index(collab.stage)
    later = [s for s in COLLABORATION_STAGES[position + 1:] if s != "stopped"]
    return [*later, "stopped"]


def change_stage(session: Session, actor: Principal | None, collaboration_id: int, stage: str,
                 note: str = "", *, expected_version: int | None = None) -> Collaboration:
    """Move a collaboration forward (either party); completed and stopped are final."""
    collab = get_collaboration(session, actor, collaboration_id)
    if not (actor.is_member(collab.organisation_id) or actor.is_officer(collab.region_code)):
        raise PermissionDenied(_l("Only the two parties move a collaboration along."))
    if expected_version is not None and expected_version != collab.version:
        raise StaleVersion()
    if stage not in COLLABORATION_STAGES:
        raise ValidationFailed(errors={"stage": [_l("Unknown stage.")]})
    if stage not in next_stages(collab):
        raise Conflict(_l("The collaboration cannot move to this stage from its current one."))
    previous = collab.stage
    collab.stage = stage
    collab.history = [*collab.history, {"stage": stage, "at": utcnow().isoformat(),
                                        "by": actor.user_id, "note": (note or "")[:2000]}]
    collab.version += 1
    collab.updated_at = utcnow()
    session.flush()
    _emit(session, "sinergi.collaboration.stage_changed", f"collaboration:{collab.id}",
          collab.version, {"collaboration_id": collab.id, "need_id": collab.need_id,
                           "organisation_id": collab.organisation_id,
                           "region_code": collab.region_code, "need_title": collab.need_title,
                           "from_stage": previous, "to_stage": stage})
    return collab


# ---------------------------------------------------------------- saved searches


SAVED_FILTER_KEYS = ("dimension", "province", "budget", "deadline_from", "q", "sort")


def save_search(session: Session, actor: Principal | None, organisation_id: int | None,
                name: str, filters: dict[str, Any]) -> SavedSearch:
    org_id = acting_org(actor, organisation_id)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(errors={"name": [_l("Name the search.")]})
    clean = {k: v for k, v in filters.items() if k in SAVED_FILTER_KEYS and v not in (None, "")}
    search = SavedSearch(user_id=actor.user_id, organisation_id=org_id, name=name[:100],
                         filters=clean, created_at=utcnow())
    session.add(search)
    session.flush()
    return search


def list_saved_searches(session: Session, actor: Principal | None) -> list[SavedSearch]:
    if actor is None:
        return []
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == actor.user_id)
                                .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())))


def delete_saved_search(session: Session, actor: Principal | None, search_id: int) -> None:
    search = session.get(SavedSearch, search_id)
    if search is None or actor is None or search.user_id != actor.user_id:
        raise NotFound(_l("The saved search was not found."))
    session.delete(search)


# ---------------------------------------------------------------- summaries for slots


def open_needs_of_region(session: Session, region_code: str, limit: int = 5) -> list[Need]:
    return list(session.scalars(select(Need).where(
        Need.region_code == region_code, Need.status == "open")
        .order_by(Need.created_at.desc()).limit(limit)))


def interest_counts(session: Session, need_ids: list[int]) -> dict[int, int]:
    """Open (undecided) interests per need, for the region's list of needs (one statement)."""
    if not need_ids:
        return {}
    rows = session.execute(
        select(Interest.need_id, func.count()).where(
            Interest.need_id.in_(need_ids), Interest.status == "open")
        .group_by(Interest.need_id))
    return {need_id: count for need_id, count in rows}


def offers_of_organisations(session: Session, organisation_ids: list[int], *,
                            published_only: bool = True) -> list[Offer]:
    """The offers of some organisations (only the published ones unless told otherwise),
    newest first (one statement)."""
    if not organisation_ids:
        return []
    stmt = select(Offer).where(Offer.organisation_id.in_(organisation_ids))
    if published_only:
        stmt = stmt.where(Offer.status == "published")
    return list(session.scalars(stmt.order_by(Offer.created_at.desc(), Offer.id.desc())))


def best_opportunities(session: Session, organisation_ids: list[int],
                       limit: int = 5) -> list[tuple[Match, Need]]:
    """The best-fitting open needs of the organisations (dashboard; one statement)."""
    if not organisation_ids:
        return []
    rows = session.execute(
        select(Match, Need).join(Need, Need.id == Match.need_id)
        .where(Match.organisation_id.in_(organisation_ids), Match.best_for_org.is_(True),
               Need.status == "open", or_(Need.deadline.is_(None), Need.deadline >= today()))
        .order_by(Match.score.desc(), Need.id.desc()).limit(limit)).all()
    return [(m, n) for m, n in rows]


def undecided_interests(session: Session, region_codes: list[str],
                        limit: int = 5) -> list[tuple[Interest, Need]]:
    """Interests waiting for the regions' decision, oldest first (dashboard; one statement)."""
    if not region_codes:
        return []
    rows = session.execute(
        select(Interest, Need).join(Need, Need.id == Interest.need_id)
        .where(Interest.region_code.in_(region_codes), Interest.status == "open")
        .order_by(Interest.created_at.asc(), Interest.id.asc()).limit(limit)).all()
    return [(i, n) for i, n in rows]


def collaboration_for_interest(session: Session, interest_id: int) -> Collaboration | None:
    """The collaboration an accepted interest became, if any."""
    return session.scalar(select(Collaboration).where(
        Collaboration.interest_id == interest_id))
