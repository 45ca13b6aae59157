"""Account services: users, authentication, API tokens, principals."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from core.accounts.models import ApiToken, User, WebSession
from core.accounts.passwords import hash_password, needs_rehash, password_problems, verify_password
from core.accounts.principal import OrgRole, Principal
from core.db import utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.orgs.models import Membership, Organisation

TOKEN_PREFIX = "sng_"

PASSWORD_MESSAGES = {
    "too_short": _l("The password is too short."),
    "too_common": _l("The password is too common; choose another one."),
}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    min_password_length: int = 10,
    is_admin: bool = False,
    is_evaluator: bool = False,
    is_demo: bool = False,
) -> User:
    """Create a user after checking the e-mail is free and the password acceptable."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise ValidationFailed(errors={"email": [_l("Enter a valid e-mail address.")]})
    problems = password_problems(password, min_password_length)
    if problems:
        raise ValidationFailed(errors={"password": [PASSWORD_MESSAGES[p] for p in problems]})
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(_l("A user with this e-mail address already exists."))
    user = User(
        email=email,
        name=name.strip() or email,
        password_hash=hash_password(password),
        is_admin=is_admin,
        is_evaluator=is_evaluator,
        is_demo=is_demo,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None (same cost either way)."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def set_active(session: Session, actor: Principal | None, user_id: int, active: bool) -> User:
    """Enable or disable an account (admin only); disabling ends its sessions and tokens."""
    if actor is None or not actor.is_admin:
        raise PermissionDenied()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    user.is_active = active
    if not active:
        end_sessions(session, user.id)
        now = utcnow()
        for token in session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            token.revoked_at = now
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Delete every browser session of a user."""
    for row in session.scalars(select(WebSession).where(WebSession.user_id == user_id)):
        session.delete(row)


def _principal_from_rows(user: User, rows: list) -> Principal:
    roles = tuple(
        OrgRole(organisation_id=org_id, role=role, org_type=org_type, region_code=region_code)
        for org_id, role, org_type, region_code in rows
        if org_id is not None
    )
    return Principal(
        user_id=user.id,
        email=user.email,
        name=user.name,
        is_admin=user.is_admin,
        is_evaluator=user.is_evaluator,
        locale=user.locale,
        roles=roles,
    )


def _principal_query(*where):
    # The memberships are joined here; ``User.memberships`` (selectin by default) would
    # cost a second statement on every authenticated request, so it stays unloaded.
    return (
        select(User, Membership.organisation_id, Membership.role, Organisation.type,
               Organisation.region_code)
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == Membership.organisation_id)
        .where(User.is_active.is_(True), *where)
        .options(lazyload(User.memberships))
    )


def load_principal(session: Session, user_id: int) -> Principal | None:
    """Load a user and their memberships in one query."""
    result = session.execute(_principal_query(User.id == user_id)).all()
    if not result:
        return None
    return _principal_from_rows(result[0][0], [tuple(r)[1:] for r in result])


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created token: ``secret`` is shown once and never stored."""

    token: ApiToken
    secret: str


def create_token(session: Session, user: User, name: str = "") -> IssuedToken:
    """Create an opaque API token for a user."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name.strip()[:100],
        prefix=secret[:10],
        token_hash=hash_token(secret),
    )
    session.add(token)
    session.flush()
    return IssuedToken(token=token, secret=secret)


def principal_for_token(session: Session, secret: str) -> Principal | None:
    """Resolve a bearer token (one query); None when unknown, revoked or the user disabled."""
    rows = session.execute(
        _principal_query(
            ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None)
        ).join(ApiToken, ApiToken.user_id == User.id)
    ).all()
    if not rows:
        return None
    return _principal_from_rows(rows[0][0], [tuple(r)[1:] for r in rows])


def list_tokens(session: Session, actor: Principal) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, actor: Principal, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (admins may revoke anyone's)."""
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.user_id and not actor.is_admin):
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def get_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(_l("No user has this e-mail address."))
    return user
