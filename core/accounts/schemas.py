"""Marshmallow schemas for the current user and API tokens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class RoleSchema(Schema):
    organisation_id = fields.Integer()
    role = fields.String()
    org_type = fields.String()
    region_code = fields.String(allow_none=True)


class MeSchema(Schema):
    id = fields.Integer(attribute="user_id")
    email = fields.String()
    name = fields.String()
    is_admin = fields.Boolean()
    is_evaluator = fields.Boolean()
    kind = fields.String()
    region_codes = fields.Function(lambda p: sorted(p.region_codes))
    memberships = fields.List(fields.Nested(RoleSchema), attribute="roles")


class TokenRequestSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    name = fields.String(load_default="", validate=validate.Length(max=100))


class TokenCreateSchema(Schema):
    name = fields.String(load_default="", validate=validate.Length(max=100))


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class IssuedTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "The secret. Shown only in this response."})


class AdminUserSchema(Schema):
    """A user as administrators see it."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    is_admin = fields.Boolean()
    is_evaluator = fields.Boolean()
    is_active = fields.Boolean()
    created_at = fields.DateTime()
    last_login_at = fields.DateTime(allow_none=True)


class AuditEventSchema(Schema):
    """One audit event."""

    id = fields.Integer()
    at = fields.DateTime()
    actor_user_id = fields.Integer(allow_none=True)
    actor_email = fields.String(metadata={"description": "As typed, for failed logins."})
    action = fields.String(metadata={"example": "auth.login.failed"})
    target = fields.String()
    client_address = fields.String()
    user_agent = fields.String()
    details = fields.Dict()
