"""Organisation endpoints."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from core.api.common import IF_MATCH, etag, expected_version, page_body, page_options
from core.db import session
from core.errors import PermissionDenied
from core.orgs import services
from core.orgs.schemas import (
    MemberAddSchema,
    MemberSchema,
    OrganisationCreateSchema,
    OrganisationListArgs,
    OrganisationPage,
    OrganisationSchema,
    ProfileSchema,
    VerifySchema,
)
from core.web.auth import current_principal, require_principal

blp = Blueprint("organisations", __name__, description="Organisations of the pentahelix")


def _with_etag(org: Any) -> tuple[Any, int, dict[str, str]]:
    return org, 200, {"ETag": etag("org", org.id, org.version)}


@blp.route("/organisations")
class Organisations(MethodView):
    # A schema instance: given the class, webargs would build it anew on every request.
    @blp.arguments(OrganisationListArgs(), location="query")
    @blp.response(200, OrganisationPage)
    def get(self, args: dict[str, Any]):
        """List organisations (public profiles)."""
        filters = services.OrganisationFilter(
            **{k: args.get(k) for k in ("type", "verified", "province", "dimension", "q")}
        )
        return page_body(
            services.list_organisations(session(), filters, **page_options(args, "name"))
        )

    @blp.arguments(OrganisationCreateSchema)
    @blp.response(201, OrganisationSchema)
    def post(self, data: dict[str, Any]):
        """Register an organisation; you become its admin."""
        db = session()
        org = services.create_organisation(db, require_principal(), **data)
        db.commit()
        return org, 201, {"ETag": etag("org", org.id, org.version)}


@blp.route("/organisations/<string:ref>")
class OrganisationDetail(MethodView):
    @blp.response(200, OrganisationSchema)
    def get(self, ref: str):
        """One organisation, by id or slug."""
        return _with_etag(services.get_organisation(session(), ref))

    @blp.doc(**IF_MATCH)
    @blp.arguments(ProfileSchema)
    @blp.response(200, OrganisationSchema)
    def patch(self, data: dict[str, Any], ref: str):
        """Change the profile (org admins, admins). Requires If-Match."""
        db = session()
        org = services.get_organisation(db, ref)
        if not services.can_manage(current_principal(), org):
            raise PermissionDenied()
        version = expected_version("org", org.id)
        org = services.update_organisation(db, current_principal(), org.id, data,
                                           expected_version=version)
        db.commit()
        return _with_etag(org)


@blp.route("/organisations/<string:ref>/verification")
class OrganisationVerification(MethodView):
    @blp.arguments(VerifySchema)
    @blp.response(200, OrganisationSchema)
    def put(self, data: dict[str, Any], ref: str):
        """Verify or unverify an organisation (admin)."""
        db = session()
        org = services.verify_organisation(db, current_principal(), ref, data["verified"])
        db.commit()
        return _with_etag(org)


@blp.route("/organisations/<string:ref>/members")
class OrganisationMembers(MethodView):
    @blp.response(200, MemberSchema(many=True))
    def get(self, ref: str):
        """Members of an organisation (visible to its members and admins)."""
        db = session()
        org = services.get_organisation(db, ref)
        actor = require_principal()
        if not (actor.is_admin or actor.is_member(org.id)):
            raise PermissionDenied()
        return [
            {"user_id": u.id, "name": u.name, "email": u.email, "role": role}
            for u, role in services.list_members(db, org)
        ]

    @blp.arguments(MemberAddSchema)
    @blp.response(201, MemberSchema)
    def post(self, data: dict[str, Any], ref: str):
        """Add a registered user to the organisation (org admins, admins)."""
        db = session()
        user, membership = services.add_member(
            db, require_principal(), ref, data["email"], data["role"]
        )
        db.commit()
        return {"user_id": user.id, "name": user.name, "email": user.email,
                "role": membership.role}
