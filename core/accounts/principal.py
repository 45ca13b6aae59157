"""The authenticated actor that services authorise against."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrgRole:
    """One membership: the organisation, the role in it, and the region it governs (if any)."""

    organisation_id: int
    role: str
    org_type: str
    region_code: str | None = None


@dataclass(frozen=True)
class Principal:
    """A logged-in user with their platform roles and memberships, loaded once per request."""

    user_id: int
    email: str
    name: str
    is_admin: bool = False
    is_evaluator: bool = False
    locale: str | None = None
    roles: tuple[OrgRole, ...] = field(default_factory=tuple)

    @property
    def region_codes(self) -> frozenset[str]:
        """Regions this user is an officer of (member of the region's government organisation)."""
        return frozenset(r.region_code for r in self.roles if r.region_code)

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(r.organisation_id for r in self.roles)

    def is_officer(self, region_code: str) -> bool:
        return region_code in self.region_codes

    def is_member(self, organisation_id: int) -> bool:
        return organisation_id in self.organisation_ids

    def is_org_admin(self, organisation_id: int) -> bool:
        return any(r.organisation_id == organisation_id and r.role == "admin" for r in self.roles)

    @property
    def kind(self) -> str:
        """The main role, for dashboards: admin, evaluator, officer, partner or user."""
        if self.is_admin:
            return "admin"
        if self.is_evaluator:
            return "evaluator"
        if self.region_codes:
            return "officer"
        if self.roles:
            return "partner"
        return "user"
