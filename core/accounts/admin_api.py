"""Administrator endpoints: user accounts (disable, enable) and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from core import audit
from core.accounts import services
from core.accounts.schemas import AdminUserSchema, AuditEventSchema
from core.api.common import NoBodySchema, PageArgs, page_body, page_options, page_schema
from core.db import session
from core.web.auth import require_principal

blp = Blueprint("admin", __name__, description="Administration: accounts and the audit log "
                "(platform administrators only)")


class UserListArgs(PageArgs):
    q = fields.String(load_default=None, validate=validate.Length(max=254),
                      metadata={"description": "Part of the e-mail address or name."})


class AuditListArgs(PageArgs):
    action = fields.String(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "An action (`auth.login.failed`), or a prefix ending in `*` (`auth.*`)."
    })
    actor = fields.String(load_default=None, validate=validate.Length(max=254),
                          metadata={"description": "A user id, or an e-mail address."})
    since = fields.AwareDateTime(load_default=None, default_timezone=dt.UTC, metadata={
        "description": "Only events at or after this time (ISO 8601; UTC if no offset)."
    })


UserPage = page_schema(AdminUserSchema, "AdminUserPageSchema")
AuditPage = page_schema(AuditEventSchema, "AuditEventPageSchema")


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserListArgs(), location="query")
    @blp.response(200, UserPage)
    def get(self, args: dict[str, Any]):
        """User accounts, by e-mail address."""
        options = page_options(args, "email")
        return page_body(services.list_users(session(), require_principal(), args.get("q"),
                                             options["page"], options["per_page"]))


def _set_active(user_id: int, active: bool):
    db = session()
    user = services.set_active(db, require_principal(), user_id, active)
    db.commit()
    return user


@blp.route("/users/<int:user_id>/disable")
class DisableUser(MethodView):
    @blp.arguments(NoBodySchema, required=False)
    @blp.response(200, AdminUserSchema)
    def post(self, _data: dict[str, Any], user_id: int):
        """Disable an account: its browser sessions end and its API tokens are revoked at once.
        You cannot disable your own account (409)."""
        return _set_active(user_id, False)


@blp.route("/users/<int:user_id>/enable")
class EnableUser(MethodView):
    @blp.arguments(NoBodySchema, required=False)
    @blp.response(200, AdminUserSchema)
    def post(self, _data: dict[str, Any], user_id: int):
        """Enable a disabled account again (its old API tokens stay revoked)."""
        return _set_active(user_id, True)


@blp.route("/audit")
class AuditLog(MethodView):
    @blp.arguments(AuditListArgs(), location="query")
    @blp.response(200, AuditPage)
    def get(self, args: dict[str, Any]):
        """The audit log, newest first: logins, tokens, account changes, refused requests."""
        services.require_admin(require_principal())
        options = page_options(args, "-at")
        flt = audit.AuditFilter(action=args.get("action"), actor=args.get("actor"),
                                since=args.get("since"))
        return page_body(audit.list_events(session(), flt, options["page"],
                                           options["per_page"]))
