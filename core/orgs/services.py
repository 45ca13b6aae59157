"""Organisation services: profiles, verification and membership."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

from core.accounts.models import User
from core.accounts.principal import Principal
from core.db import utcnow
from core.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from core.events import record_event
from core.orgs.models import Membership, Organisation
from core.pagination import Page, paginate
from core.regions.models import Province, Region
from core.taxonomy import DIMENSIONS, ORG_TYPES

PROFILE_FIELDS = ("name", "about", "capabilities", "dimensions", "provinces_served", "website")


def slugify(text: str) -> str:
    """ASCII slug for URLs: ``Kota Bandung`` → ``kota-bandung``."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70] or "org"


#: Slugs that name pages rather than organisations (``/organisations/new``).
RESERVED_SLUGS = frozenset({"new"})


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    similar = select(Organisation.slug).where(Organisation.slug.like(f"{base}%"))
    taken = set(session.scalars(similar)) | RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_profile(session: Session, data: dict[str, Any]) -> None:
    errors: dict[str, list[Any]] = {}
    if "name" in data and not str(data["name"]).strip():
        errors["name"] = [_l("This field is required.")]
    bad_dims = [d for d in data.get("dimensions", []) if d not in DIMENSIONS]
    if bad_dims:
        errors["dimensions"] = [_l("Unknown dimension: %(value)s", value=", ".join(bad_dims))]
    codes = set(data.get("provinces_served", []))
    if codes:
        known = set(session.scalars(select(Province.code).where(Province.code.in_(codes))))
        if codes - known:
            errors["provinces_served"] = [
                _l("Unknown province code: %(value)s", value=", ".join(sorted(codes - known)))
            ]
    website = data.get("website", "")
    if website and not re.match(r"^https?://[^\s/]+\.[^\s]+$", website):
        errors["website"] = [_l("Enter a web address starting with http:// or https://.")]
    if errors:
        raise ValidationFailed(errors=errors)


def _payload(org: Organisation) -> dict[str, Any]:
    return {
        "organisation_id": org.id,
        "slug": org.slug,
        "name": org.name,
        "type": org.type,
        "region_code": org.region_code,
        "verified": org.verified,
        "dimensions": list(org.dimensions or []),
        "provinces_served": list(org.provinces_served or []),
    }


def create_organisation(
    session: Session,
    actor: Principal | None,
    *,
    type: str,
    region_code: str | None = None,
    is_demo: bool = False,
    **profile: Any,
) -> Organisation:
    """Create an organisation; its creator becomes its admin.

    Any logged-in user may register a business, community, academia or media organisation;
    it awaits an admin's verification. Government organisations (a region's) are created by
    platform admins only, for a region of the Kemendagri list, so they start verified.
    """
    if actor is None:
        raise PermissionDenied()
    if type not in ORG_TYPES:
        raise ValidationFailed(errors={"type": [_l("Unknown organisation type.")]})
    if (type == "government" or region_code) and not actor.is_admin:
        raise PermissionDenied(_l("Only administrators create government organisations."))
    if region_code:
        if type != "government":
            raise ValidationFailed(
                errors={"region_code": [_l("Only a government organisation represents a region.")]}
            )
        if session.get(Region, region_code) is None:
            raise ValidationFailed(errors={"region_code": [_l("Unknown region.")]})
        if session.scalar(select(Organisation.id).where(Organisation.region_code == region_code)):
            raise Conflict(_l("This region already has its government organisation."))
    profile = {k: v for k, v in profile.items() if k in PROFILE_FIELDS}
    _check_profile(session, {"name": profile.get("name", ""), **profile})
    org = Organisation(
        slug=_unique_slug(session, profile["name"]),
        type=type,
        region_code=region_code,
        is_demo=is_demo,
        verified=type == "government",
        **profile,
    )
    session.add(org)
    session.flush()
    if not actor.is_admin:
        session.add(Membership(user_id=actor.user_id, organisation_id=org.id, role="admin"))
    record_event(session, "sinergi.organisation.created", subject=org.id, sequence=org.version,
                 data=_payload(org))
    return org


def government_org_for(session: Session, actor: Principal, region_code: str) -> Organisation:
    """The government organisation of a region, created on first use (admin only)."""
    org = session.scalar(select(Organisation).where(Organisation.region_code == region_code))
    if org is not None:
        return org
    region = session.get(Region, region_code)
    if region is None:
        raise NotFound(_l("Region %(code)s was not found.", code=region_code))
    return create_organisation(
        session, actor, type="government", region_code=region_code,
        name=f"Pemerintah {region.name}",
    )


def get_organisation(session: Session, ref: int | str) -> Organisation:
    """An organisation by id or slug."""
    if isinstance(ref, int) or re.fullmatch(r"[0-9]{1,18}", ref):
        # Only ASCII digits that fit a 64-bit id; anything else (e.g. "²") is a slug.
        condition = Organisation.id == int(ref)
    else:
        condition = Organisation.slug == ref
    org = session.scalar(select(Organisation).where(condition))
    if org is None:
        raise NotFound(_l("The organisation was not found."))
    return org


def can_manage(actor: Principal | None, org: Organisation) -> bool:
    return actor is not None and (actor.is_admin or actor.is_org_admin(org.id))


def update_organisation(
    session: Session,
    actor: Principal | None,
    org_ref: int | str,
    changes: dict[str, Any],
    *,
    expected_version: int | None = None,
) -> Organisation:
    """Change an organisation's profile (its admins and platform admins)."""
    org = get_organisation(session, org_ref)
    if not can_manage(actor, org):
        raise PermissionDenied()
    if expected_version is not None and expected_version != org.version:
        raise StaleVersion()
    changes = {k: v for k, v in changes.items() if k in PROFILE_FIELDS}
    _check_profile(session, changes)
    for key, value in changes.items():
        setattr(org, key, value)
    org.version += 1
    org.updated_at = utcnow()
    record_event(session, "sinergi.organisation.updated", subject=org.id, sequence=org.version,
                 data=_payload(org))
    return org


def verify_organisation(
    session: Session, actor: Principal | None, org_ref: int | str, verified: bool = True
) -> Organisation:
    """Mark an organisation verified (or not) — platform admins only."""
    if actor is None or not actor.is_admin:
        raise PermissionDenied()
    org = get_organisation(session, org_ref)
    if org.verified == verified:
        return org
    org.verified = verified
    org.version += 1
    org.updated_at = utcnow()
    event = "sinergi.organisation.verified" if verified else "sinergi.organisation.unverified"
    record_event(session, event, subject=org.id, sequence=org.version, data=_payload(org))
    return org


@dataclass(frozen=True)
class OrganisationFilter:
    type: str | None = None
    verified: bool | None = None
    province: str | None = None
    dimension: str | None = None
    q: str | None = None


ORG_SORTS = {"name": Organisation.name, "created": Organisation.created_at, "id": Organisation.id}


def list_organisations(
    session: Session,
    filters: OrganisationFilter,
    *,
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
    per_page: int = 20,
) -> Page[Organisation]:
    """Organisations matching the filters (profiles are public)."""
    stmt = select(Organisation)
    if filters.type:
        stmt = stmt.where(Organisation.type == filters.type)
    if filters.verified is not None:
        stmt = stmt.where(Organisation.verified.is_(filters.verified))
    if filters.q:
        text = filters.q.strip()
        stmt = stmt.where(
            or_(Organisation.name.icontains(text, autoescape=True),
                Organisation.capabilities.icontains(text, autoescape=True))
        )
    # JSON list membership, portable across SQLite and PostgreSQL: match the quoted value.
    if filters.province:
        stmt = stmt.where(
            cast(Organisation.provinces_served, Text).like(f'%"{filters.province}"%')
        )
    if filters.dimension:
        stmt = stmt.where(
            cast(Organisation.dimensions, Text).like(f'%"{filters.dimension}"%')
        )
    column = ORG_SORTS.get(sort, Organisation.name)
    stmt = stmt.order_by(column.desc() if descending else column.asc(), Organisation.id)
    return paginate(session, stmt, page, per_page)


def add_member(
    session: Session, actor: Principal | None, org_ref: int | str, email: str, role: str = "member"
) -> tuple[User, Membership]:
    """Add a user (by e-mail) to an organisation — its admins and platform admins only."""
    org = get_organisation(session, org_ref)
    if not can_manage(actor, org):
        raise PermissionDenied()
    if role not in ("member", "admin"):
        raise ValidationFailed(errors={"role": [_l("Role must be member or admin.")]})
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise ValidationFailed(errors={"email": [_l("No user has this e-mail address.")]})
    membership = session.get(Membership, (user.id, org.id))
    if membership is None:
        membership = Membership(user_id=user.id, organisation_id=org.id, role=role)
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    return user, membership


def list_members(session: Session, org: Organisation) -> list[tuple[User, str]]:
    rows = session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org.id)
        .order_by(User.name)
    ).all()
    return [(u, r) for u, r in rows]


def organisations_of(session: Session, actor: Principal) -> list[tuple[Organisation, str]]:
    """The organisations the actor belongs to, with the actor's role in each, by name."""
    rows = session.execute(
        select(Organisation, Membership.role)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == actor.user_id)
        .order_by(Organisation.name)
    ).all()
    return [(org, role) for org, role in rows]


def government_organisation(session: Session, region_code: str) -> Organisation | None:
    """The government organisation of a region, if it has one (never creates it)."""
    return session.scalar(select(Organisation).where(Organisation.region_code == region_code))


#: Profile fields that a complete profile fills in (``name`` is always present).
COMPLETENESS_FIELDS = ("about", "capabilities", "dimensions", "provinces_served", "website")


def profile_completeness(org: Organisation) -> tuple[int, list[str]]:
    """How complete a profile is, in percent, and which profile fields are still empty."""
    missing = [name for name in COMPLETENESS_FIELDS if not getattr(org, name)]
    done = len(COMPLETENESS_FIELDS) - len(missing)
    return round(100 * done / len(COMPLETENESS_FIELDS)), missing
