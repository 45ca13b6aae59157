"""Booth publishing: officers edit a working copy, admins moderate, the public sees the
approved snapshot while the booth is live. Every change bumps the exhibition's revision and
records its event in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.plugin import (
    AuthenticationRequired,
    Conflict,
    NotFound,
    PermissionDenied,
    Principal,
    StaleVersion,
    ValidationFailed,
    _,
    directory,
    record_event,
    taxonomy,
    utcnow,
)
from core.plugin.directory import RegionInfo
from plugins.exhibition import events, revision
from plugins.exhibition.models import (
    Achievement,
    Booth,
    EvaluationResult,
    Image,
    Partner,
    PlanSummary,
)

MAX_ACHIEVEMENTS = 24
FIRST_YEAR = 2015


# ---------------------------------------------------------------- permissions


def can_edit(principal: Principal | None, region_code: str) -> bool:
    """A region's officers and platform admins edit its booth."""
    return principal is not None and (principal.is_admin or principal.is_officer(region_code))


def _require_editor(principal: Principal | None, region_code: str) -> Principal:
    if principal is None:
        raise AuthenticationRequired()
    if not can_edit(principal, region_code):
        raise PermissionDenied(_("Only the region's officers can edit its booth."))
    return principal


def _require_admin(principal: Principal | None) -> Principal:
    if principal is None:
        raise AuthenticationRequired()
    if not principal.is_admin:
        raise PermissionDenied(_("Only platform administrators moderate the exhibition."))
    return principal


# ---------------------------------------------------------------- validation


def _text(data: dict[str, Any], name: str, limit: int, errors: dict[str, list[str]],
          *, required: bool = False, minimum: int = 0) -> str:
    value = data.get(name)
    value = "" if value is None else str(value).replace("\x00", "").strip()
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    elif value and len(value) < minimum:
        errors.setdefault(name, []).append(_("Write at least %(n)d characters.", n=minimum))
    elif len(value) > limit:
        errors.setdefault(name, []).append(_("Write at most %(n)d characters.", n=limit))
    return value


def _check_booth_content(data: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    values = {
        "tagline": _text(data, "tagline", 160, errors),
        "story": _text(data, "story", 5000, errors),
        "replicate_note": _text(data, "replicate_note", 2000, errors),
    }
    if errors:
        raise ValidationFailed(errors=errors)
    return values


def _check_achievement(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = _text(data, "title", 200, errors, required=True, minimum=3)
    caption = _text(data, "caption", 1000, errors)
    dimension = str(data.get("dimension") or "")
    if dimension not in taxonomy.DIMENSIONS:
        errors.setdefault("dimension", []).append(_("Choose one of the six dimensions."))
    year_raw = data.get("year")
    year = 0
    try:
        year = int(str(year_raw).strip())
    except (TypeError, ValueError):
        errors.setdefault("year", []).append(_("Enter a year, e.g. 2024."))
    else:
        last = utcnow().year + 1
        if not FIRST_YEAR <= year <= last:
            errors.setdefault("year", []).append(
                _("Enter a year between %(first)d and %(last)d.", first=FIRST_YEAR, last=last))
    if errors:
        raise ValidationFailed(errors=errors)
    return {"title": title, "caption": caption, "dimension": dimension, "year": year}


# ---------------------------------------------------------------- reading


def find_booth(session: Session, region_code: str) -> Booth | None:
    return session.scalar(select(Booth).where(Booth.region_code == region_code))


def _booth(session: Session, region_code: str) -> Booth:
    booth = find_booth(session, region_code)
    if booth is None:
        raise NotFound(_("This region has no booth yet."))
    return booth


def achievements_of(session: Session, booth_id: int) -> list[Achievement]:
    return list(session.scalars(
        select(Achievement).where(Achievement.booth_id == booth_id)
        .order_by(Achievement.position, Achievement.id)
    ))


def _achievement_dict(item: Achievement) -> dict[str, Any]:
    return {"id": item.id, "title": item.title, "caption": item.caption,
            "dimension": item.dimension, "year": item.year, "image_id": item.image_id}


@dataclass
class BoothContent:
    """What a booth shows of its own content: the snapshot (public) or the working copy."""

    tagline: str
    story: str
    replicate_note: str
    achievements: list[dict[str, Any]]

    @property
    def dimensions(self) -> list[str]:
        found = {a["dimension"] for a in self.achievements}
        return [d for d in taxonomy.DIMENSIONS if d in found]

    @property
    def cover_image_id(self) -> int | None:
        return next((a["image_id"] for a in self.achievements if a.get("image_id")), None)


@dataclass
class BoothView:
    """Everything a booth page or the API shows about one region."""

    region: RegionInfo
    booth: Booth | None
    content: BoothContent | None
    preview: bool
    plan: PlanSummary | None
    evaluations: list[EvaluationResult]
    partners: list[Partner]
    fetched: dict[str, Any] = field(default_factory=dict)

    @property
    def latest(self) -> EvaluationResult | None:
        return self.evaluations[-1] if self.evaluations else None

    @property
    def verified(self) -> bool:
        return bool(self.latest and self.latest.verified)

    @property
    def quick_wins(self) -> list[dict[str, Any]]:
        return [p for p in (self.plan.programmes if self.plan else []) if p.get("quick_win")]

    def programmes_by_dimension(self) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {d: [] for d in taxonomy.DIMENSIONS}
        for programme in self.plan.programmes if self.plan else []:
            grouped.setdefault(programme.get("dimension", ""), []).append(programme)
        return {d: items for d, items in grouped.items() if items}


def snapshot_content(booth: Booth) -> BoothContent:
    data = booth.published or {}
    return BoothContent(data.get("tagline", ""), data.get("story", ""),
                        data.get("replicate_note", ""), list(data.get("achievements", [])))


def working_content(session: Session, booth: Booth) -> BoothContent:
    return BoothContent(booth.tagline, booth.story, booth.replicate_note,
                        [_achievement_dict(a) for a in achievements_of(session, booth.id)])


def booth_view(session: Session, principal: Principal | None, region_code: str,
               *, preview: bool = False) -> BoothView:
    """A region's booth as ``principal`` may see it.

    The public sees only a live booth's approved snapshot; NotFound otherwise (whatever the
    reason, so that rejected and unpublished booths leave no trace). ``preview`` shows the
    working copy to the region's officers and admins."""
    region = directory.get_region(session, region_code)
    booth = find_booth(session, region.code)
    if preview:
        _require_editor(principal, region.code)
        content = working_content(session, booth) if booth else None
    else:
        if booth is None or not booth.live:
            raise NotFound(_("This booth is not in the exhibition."))
        content = snapshot_content(booth)
    return BoothView(
        region=region, booth=booth, content=content, preview=preview,
        plan=session.get(PlanSummary, region.code),
        evaluations=list(session.scalars(
            select(EvaluationResult).where(EvaluationResult.region_code == region.code)
            .order_by(EvaluationResult.cycle_year)
        )),
        partners=list(session.scalars(
            select(Partner).where(Partner.region_code == region.code)
            .order_by(Partner.organisation_name, Partner.id)
        )),
    )


def live_booths(session: Session) -> list[Booth]:
    """Every booth shown to the public, by region code."""
    return list(session.scalars(
        select(Booth).where(Booth.live.is_(True)).order_by(Booth.region_code)
    ))


def moderation_queue(session: Session,
                     principal: Principal | None) -> list[tuple[Booth, RegionInfo]]:
    """Booths waiting for review, oldest submission first, then the live ones (admin)."""
    _require_admin(principal)
    booths = list(session.scalars(
        select(Booth).where((Booth.state == "submitted") | Booth.live.is_(True))
        .order_by(Booth.submitted_at, Booth.region_code)
    ))
    regions = {r.code: r for r in directory.list_regions(
        session, codes=[b.region_code for b in booths])}
    return [(b, regions[b.region_code]) for b in booths if b.region_code in regions]


def achievement_counts(session: Session, booth_ids: list[int]) -> dict[int, int]:
    if not booth_ids:
        return {}
    rows = session.execute(
        select(Achievement.booth_id, func.count()).where(Achievement.booth_id.in_(booth_ids))
        .group_by(Achievement.booth_id)
    )
    return {booth_id: count for booth_id, count in rows}


# ---------------------------------------------------------------- editing


def _touch(session: Session, booth: Booth, expected: int | None = None) -> None:
    """An edit of the working copy: refused while under review; takes back an approval."""
    if expected is not None and expected != booth.version:
        raise StaleVersion()
    if booth.state == "submitted":
        raise Conflict(_("The booth is waiting for review; it can be edited again after the "
                         "decision."))
    if booth.state in ("approved", "rejected"):
        booth.state = "draft"
    booth.version += 1
    booth.updated_at = utcnow()
    revision.bump(session)


def open_booth(session: Session, principal: Principal | None, region_code: str,
               data: dict[str, Any] | None = None, *, exists_ok: bool = True) -> Booth:
    """The region's booth, created (as a draft) on first use. Only participating regions
    exhibit."""
    region = directory.get_region(session, region_code)
    _require_editor(principal, region.code)
    booth = find_booth(session, region.code)
    if booth is not None:
        if not exists_ok:
            raise Conflict(_("The region already has a booth."))
        return booth
    if not region.participating:
        raise Conflict(_("Only regions that joined the Smart City Movement have a booth."))
    values = _check_booth_content(data or {})
    booth = Booth(region_code=region.code, state="draft", live=False, version=1,
                  is_demo=bool((data or {}).get("is_demo")), **values)
    session.add(booth)
    session.flush()
    revision.bump(session)
    return booth


def update_booth(session: Session, principal: Principal | None, region_code: str,
                 data: dict[str, Any], expected_version: int | None = None) -> Booth:
    """Edit the working copy's texts."""
    booth = _booth(session, region_code)
    _require_editor(principal, booth.region_code)
    values = _check_booth_content({k: data.get(k, getattr(booth, k))
                                   for k in ("tagline", "story", "replicate_note")})
    _touch(session, booth, expected_version)
    for key, value in values.items():
        setattr(booth, key, value)
    return booth


def add_achievement(session: Session, principal: Principal | None, region_code: str,
                    data: dict[str, Any]) -> Achievement:
    booth = _booth(session, region_code)
    _require_editor(principal, booth.region_code)
    values = _check_achievement(data)
    count = session.scalar(select(func.count()).where(Achievement.booth_id == booth.id)) or 0
    if count >= MAX_ACHIEVEMENTS:
        raise ValidationFailed(errors={"title": [
            _("A booth shows at most %(n)d achievements.", n=MAX_ACHIEVEMENTS)]})
    _touch(session, booth)
    item = Achievement(booth_id=booth.id, position=count + 1, **values)
    session.add(item)
    session.flush()
    return item


def _achievement(session: Session, principal: Principal | None,
                 achievement_id: int) -> tuple[Achievement, Booth]:
    item = session.get(Achievement, achievement_id)
    if item is None:
        raise NotFound(_("Achievement not found."))
    booth = session.get(Booth, item.booth_id)
    assert booth is not None
    _require_editor(principal, booth.region_code)
    return item, booth


def update_achievement(session: Session, principal: Principal | None, achievement_id: int,
                       data: dict[str, Any]) -> Achievement:
    item, booth = _achievement(session, principal, achievement_id)
    current = _achievement_dict(item)
    values = _check_achievement({**current, **data})
    _touch(session, booth)
    for key, value in values.items():
        setattr(item, key, value)
    return item


def delete_achievement(session: Session, principal: Principal | None,
                       achievement_id: int) -> Booth:
    item, booth = _achievement(session, principal, achievement_id)
    _touch(session, booth)
    session.execute(delete(Achievement).where(Achievement.id == item.id))
    return booth


def set_achievement_image(session: Session, principal: Principal | None, achievement_id: int,
                          image_id: int) -> Achievement:
    item, booth = _achievement(session, principal, achievement_id)
    _touch(session, booth)
    item.image_id = image_id
    return item


# ---------------------------------------------------------------- moderation


def _emit(session: Session, booth: Booth, event_type: str, actor: Principal,
          reason: str = "", region: RegionInfo | None = None) -> None:
    region = region or directory.get_region(session, booth.region_code)
    count = session.scalar(select(func.count()).where(Achievement.booth_id == booth.id)) or 0
    record_event(session, event_type, subject=booth.region_code, sequence=booth.version, data={
        "booth_id": booth.id, "region_code": booth.region_code, "region_name": region.name,
        "state": booth.state, "live": booth.live, "version": booth.version,
        "actor_id": actor.user_id or None, "reason": reason, "achievement_count": count,
        "url": f"/pameran/{booth.region_code}",
    })


def submit_booth(session: Session, principal: Principal | None, region_code: str) -> Booth:
    """Send the working copy to the moderators."""
    booth = _booth(session, region_code)
    actor = _require_editor(principal, booth.region_code)
    if booth.state == "submitted":
        raise Conflict(_("The booth is already waiting for review."))
    if booth.state == "approved":
        raise Conflict(_("Nothing changed since the last approval."))
    errors: dict[str, list[str]] = {}
    if not booth.tagline:
        errors["tagline"] = [_("Write a tagline before submitting.")]
    if not booth.story:
        errors["story"] = [_("Tell the booth's story before submitting.")]
    if not achievements_of(session, booth.id):
        errors["achievements"] = [_("Add at least one achievement before submitting.")]
    if errors:
        raise ValidationFailed(errors=errors)
    booth.state = "submitted"
    booth.submitted_at = utcnow()
    booth.review_reason = ""
    booth.version += 1
    revision.bump(session)
    _emit(session, booth, events.SUBMITTED, actor)
    return booth


def _under_review(session: Session, principal: Principal | None,
                  region_code: str) -> tuple[Booth, Principal]:
    actor = _require_admin(principal)
    booth = _booth(session, region_code)
    if booth.state != "submitted":
        raise Conflict(_("Only a submitted booth can be approved or rejected."))
    return booth, actor


def approve_booth(session: Session, principal: Principal | None, region_code: str,
                  reason: str = "") -> Booth:
    """Publish the submitted working copy: it becomes the public snapshot."""
    booth, actor = _under_review(session, principal, region_code)
    content = working_content(session, booth)
    booth.published = {
        "tagline": content.tagline, "story": content.story,
        "replicate_note": content.replicate_note, "achievements": content.achievements,
    }
    booth.state = "approved"
    booth.live = True
    booth.published_at = utcnow()
    booth.review_reason = (reason or "").strip()[:1000]
    booth.reviewed_by = actor.user_id or None
    booth.version += 1
    revision.bump(session)
    _emit(session, booth, events.PUBLISHED, actor, booth.review_reason)
    return booth


def reject_booth(session: Session, principal: Principal | None, region_code: str,
                 reason: str) -> Booth:
    """Send the submission back with a reason. A rejected booth is never public, even if an
    earlier version was: it returns once a corrected version is approved."""
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        _require_admin(principal)
        raise ValidationFailed(errors={"reason": [_("Say why the booth is rejected.")]})
    booth, actor = _under_review(session, principal, region_code)
    booth.state = "rejected"
    booth.live = False
    booth.review_reason = reason[:1000]
    booth.reviewed_by = actor.user_id or None
    booth.version += 1
    revision.bump(session)
    _emit(session, booth, events.REJECTED, actor, booth.review_reason)
    return booth


def unpublish_booth(session: Session, principal: Principal | None, region_code: str,
                    reason: str = "") -> Booth:
    """Take a live booth out of the exhibition (its officers or an admin)."""
    booth = _booth(session, region_code)
    actor = _require_editor(principal, booth.region_code)
    if not booth.live:
        raise Conflict(_("The booth is not in the exhibition."))
    booth.live = False
    booth.review_reason = (reason or "").replace("\x00", "").strip()[:1000]
    booth.version += 1
    revision.bump(session)
    _emit(session, booth, events.UNPUBLISHED, actor, booth.review_reason)
    return booth


def republish_booth(session: Session, principal: Principal | None, region_code: str) -> Booth:
    """Show an unpublished booth's approved snapshot again (admin), if nothing changed since."""
    actor = _require_admin(principal)
    booth = _booth(session, region_code)
    if booth.live:
        raise Conflict(_("The booth is already in the exhibition."))
    if booth.state != "approved" or not booth.published:
        raise Conflict(_("The booth changed since its approval: it must be submitted again."))
    booth.live = True
    booth.published_at = utcnow()
    booth.version += 1
    revision.bump(session)
    _emit(session, booth, events.PUBLISHED, actor)
    return booth


def booth_status(booth: Booth | None) -> str:
    """One word for the booth's public life: none, draft, submitted, published, rejected,
    unpublished."""
    if booth is None:
        return "none"
    if booth.live:
        return "published"
    if booth.state == "approved":
        return "unpublished"
    if booth.state == "draft" and booth.published:
        return "unpublished"
    return booth.state


def attach_image(session: Session, principal: Principal | None, achievement_id: int,
                 data: bytes) -> Achievement:
    """Check, re-encode and store an uploaded image, then show it with the achievement."""
    from plugins.exhibition import media

    item, booth = _achievement(session, principal, achievement_id)
    if booth.state == "submitted":
        _touch(session, booth)  # raises: no change while under review
    stored = media.store(session, booth.region_code, data,
                         principal.user_id if principal else None)
    return set_achievement_image(session, principal, item.id, stored.id)


def image_is_public(session: Session, image: Image) -> bool:
    """Whether ``image`` belongs to the approved snapshot of a live booth."""
    booth = find_booth(session, image.region_code)
    if booth is None or not booth.live or not booth.published:
        return False
    return any(a.get("image_id") == image.id for a in booth.published.get("achievements", []))
