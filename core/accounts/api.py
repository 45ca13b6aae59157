"""Endpoints for the current user and API tokens."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from core.accounts import services
from core.accounts.login import attempt_login
from core.accounts.models import User
from core.accounts.schemas import (
    IssuedTokenSchema,
    MeSchema,
    TokenCreateSchema,
    TokenRequestSchema,
    TokenSchema,
)
from core.api.common import allow_anonymous
from core.db import session
from core.errors import AuthenticationRequired
from core.web.auth import require_principal

blp = Blueprint("accounts", __name__, description="The current user and API tokens")


def _issued(issued: services.IssuedToken) -> dict[str, Any]:
    token = issued.token
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": None,
        "revoked_at": None,
        "token": issued.secret,
    }


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """Who you are: roles, memberships and the regions you are an officer of."""
        return require_principal()


@blp.route("/auth/token")
class TokenExchange(MethodView):
    @allow_anonymous
    @blp.arguments(TokenRequestSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, data: dict[str, Any]):
        """Exchange e-mail and password for an API token (rate limited)."""
        db = session()
        user = attempt_login(db, data["email"], data["password"], via="api")
        if user is None:
            raise AuthenticationRequired(_l("Wrong e-mail address or password."))
        issued = services.create_token(db, user, data["name"])
        db.commit()
        return _issued(issued)


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    def get(self):
        """Your API tokens (never their secrets)."""
        return services.list_tokens(session(), require_principal())

    @blp.arguments(TokenCreateSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, data: dict[str, Any]):
        """Create another API token for yourself."""
        actor = require_principal()
        db = session()
        issued = services.create_token(db, db.get(User, actor.user_id), data["name"])
        db.commit()
        return _issued(issued)


@blp.route("/tokens/<int:token_id>")
class TokenDetail(MethodView):
    @blp.response(204)
    def delete(self, token_id: int):
        """Revoke a token. It stops working at once."""
        db = session()
        services.revoke_token(db, require_principal(), token_id)
        db.commit()
