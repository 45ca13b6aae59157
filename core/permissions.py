"""Permission checks for actions that plugins define (core's own rules live in its services)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from core.accounts.principal import Principal


def roles_of(principal: Principal | None) -> set[str]:
    """The role names a principal holds, as used in ``Permission.default_roles``."""
    if principal is None:
        return {"anonymous"}
    roles = {"user"}
    if principal.is_admin:
        roles.add("admin")
    if principal.is_evaluator:
        roles.add("evaluator")
    if principal.region_codes:
        roles.add("officer")
    if principal.roles:
        roles.add("member")
    return roles


def is_allowed(principal: Principal | None, action: str, resource: Any = None) -> bool:
    """Plugins' ``permission_allowed`` answers first (any False wins over True); otherwise the
    action's default roles; unknown actions are refused."""
    host = current_app.extensions["sinergi.plugins"]
    answers = [
        answer for _name, answer in host.call(
            "permission_allowed", principal=principal, action=action, resource=resource
        )
    ]
    if False in answers:
        return False
    if True in answers:
        return True
    permission = host.permissions.get(action)
    if permission is None:
        return False
    return bool(roles_of(principal) & set(permission.default_roles))
