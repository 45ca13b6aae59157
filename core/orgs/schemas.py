"""Marshmallow schemas for organisations."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.api.common import PageArgs, page_schema
from core.orgs.services import ORG_SORTS
from core.taxonomy import DIMENSIONS, ORG_TYPES


class OrganisationSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    type = fields.String()
    about = fields.String()
    capabilities = fields.String()
    dimensions = fields.List(fields.String())
    provinces_served = fields.List(fields.String())
    website = fields.String()
    verified = fields.Boolean()
    region_code = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()


OrganisationPage = page_schema(OrganisationSchema, "OrganisationPage")


class OrganisationListArgs(PageArgs):
    SORTS = tuple(ORG_SORTS)

    type = fields.String(validate=validate.OneOf(ORG_TYPES))
    verified = fields.Boolean()
    province = fields.String(validate=validate.Regexp(r"^\d{2}$"))
    dimension = fields.String(validate=validate.OneOf(list(DIMENSIONS)))
    q = fields.String(validate=validate.Length(max=100))


class ProfileSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    about = fields.String(validate=validate.Length(max=5000))
    capabilities = fields.String(validate=validate.Length(max=5000))
    dimensions = fields.List(fields.String(validate=validate.OneOf(list(DIMENSIONS))),
                             validate=validate.Length(max=6))
    provinces_served = fields.List(fields.String(validate=validate.Regexp(r"^\d{2}$")),
                                   validate=validate.Length(max=38))
    website = fields.String(validate=validate.Length(max=300))


class OrganisationCreateSchema(ProfileSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True, validate=validate.OneOf(ORG_TYPES))
    region_code = fields.String(validate=validate.Regexp(r"^\d{2}\.\d{2}$"))


class VerifySchema(Schema):
    verified = fields.Boolean(load_default=True)


class MemberSchema(Schema):
    user_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    role = fields.String()


class MemberAddSchema(Schema):
    email = fields.Email(required=True)
    role = fields.String(load_default="member", validate=validate.OneOf(["member", "admin"]))
