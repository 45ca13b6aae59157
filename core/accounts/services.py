"""Account services: users, authentication, API tokens, principals."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, lazyload

from core import audit
from core.accounts.models import ApiToken, User, WebSession
from core.accounts.passwords import hash_password, needs_rehash, password_problems, verify_password
from core.accounts.principal import OrgRole, Principal
from core.db import utcnow
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.orgs.models import Membership, Organisation
from core.pagination import Page, paginate

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
    check_password(password, min_password_length)
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


def check_password(password: str, min_password_length: int) -> None:
    """ValidationFailed (on ``password``) unless the password meets the policy."""
    problems = password_problems(password, min_password_length)
    if problems:
        raise ValidationFailed(errors={"password": [PASSWORD_MESSAGES[p] for p in problems]})


def set_password(session: Session, user: User, password: str, *,
                 min_password_length: int = 10) -> None:
    """Give a user a new password (checked against the policy) and end their browser
    sessions; API tokens stay valid."""
    check_password(password, min_password_length)
    user.password_hash = hash_password(password)
    end_sessions(session, user.id)
    audit.record("account.password_set", session=session, target=f"user:{user.id}",
                 details={"email": user.email})


def change_own_password(session: Session, actor: Principal, current: str, new: str,
                        confirm: str, *, min_password_length: int = 10) -> User:
    """A user changes their own password: the current one must be right, the new one meet the
    policy and be typed twice. Ends all of the user's browser sessions."""
    user = session.get(User, actor.user_id)
    if user is None or not user.is_active:
        raise PermissionDenied()
    errors: dict[str, list] = {}
    if not verify_password(user.password_hash, current):
        errors["current_password"] = [_l("The current password is not right.")]
    problems = password_problems(new, min_password_length)
    if problems:
        errors["new_password"] = [PASSWORD_MESSAGES[p] for p in problems]
    elif new != confirm:
        errors["confirm_password"] = [_l("The two new passwords differ.")]
    elif new == current:
        errors["new_password"] = [_l("Choose a password other than the current one.")]
    if errors:
        raise ValidationFailed(errors=errors)
    set_password(session, user, new, min_password_length=min_password_length)
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


def require_admin(actor: Principal | None) -> Principal:
    """The actor, if a platform administrator; PermissionDenied otherwise."""
    if actor is None or not actor.is_admin:
        raise PermissionDenied()
    return actor


def list_users(session: Session, actor: Principal | None, query: str | None, page: int,
               per_page: int) -> Page[User]:
    """Users (admin only), optionally those whose e-mail or name contains ``query``."""
    require_admin(actor)
    stmt = select(User).options(lazyload(User.memberships)).order_by(User.email)
    if query:
        needle = query.strip().lower()
        stmt = stmt.where(or_(func.lower(User.email).contains(needle, autoescape=True),
                              func.lower(User.name).contains(needle, autoescape=True)))
    return paginate(session, stmt, page, per_page)


def set_active(session: Session, actor: Principal | None, user_id: int, active: bool) -> User:
    """Enable or disable an account (admin only); disabling ends its sessions and revokes its
    API tokens at once (they stay revoked when the account is enabled again)."""
    actor = require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    if not active and user.id == actor.user_id:
        raise Conflict(_l("You cannot disable your own account."))
    if user.is_active == active:
        return user
    user.is_active = active
    revoked = 0
    if not active:
        end_sessions(session, user.id)
        now = utcnow()
        for token in session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            token.revoked_at = now
            revoked += 1
    audit.record(
        "account.enabled" if active else "account.disabled", session=session,
        actor_user_id=actor.user_id or None, actor_email=actor.email,
        target=f"user:{user.id}",
        details={"email": user.email, **({} if active else {"tokens_revoked": revoked})},
    )
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Delete every browser session of a user."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


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
    audit.record("auth.token.created", session=session, actor_user_id=user.id,
                 actor_email=user.email, target=f"token:{token.id}",
                 details={"prefix": token.prefix, "name": token.name})
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


#: When this process last wrote each token's ``last_used_at`` (monotonic seconds, by hash).
_token_touched: dict[str, float] = {}
TOKEN_TOUCH_SECONDS = 60


def token_touch_due(secret: str) -> bool:
    """Whether this process should write the token's ``last_used_at`` now (not within the
    last minute); answering True notes the write as done."""
    key = hash_token(secret)
    now_monotonic = time.monotonic()
    last = _token_touched.get(key)
    if last is not None and now_monotonic - last < TOKEN_TOUCH_SECONDS:
        return False
    if len(_token_touched) > 10_000:
        _token_touched.clear()
    _token_touched[key] = now_monotonic
    return True


def touch_token(session: Session, secret: str) -> None:
    """Set the token's ``last_used_at`` unless another process did within the last minute.
    Callers ask :func:`token_touch_due` first, so that a token costs one write a minute."""
    key = hash_token(secret)
    now = utcnow()
    session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == key, ApiToken.revoked_at.is_(None),
               or_(ApiToken.last_used_at.is_(None),
                   ApiToken.last_used_at < now - dt.timedelta(seconds=TOKEN_TOUCH_SECONDS)))
        .values(last_used_at=now)
    )


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
        audit.record("auth.token.revoked", session=session, actor_user_id=actor.user_id,
                     actor_email=actor.email, target=f"token:{token.id}",
                     details={"prefix": token.prefix, "owner_user_id": token.user_id})
    return token


def get_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(_l("No user has this e-mail address."))
    return user
