"""Marshmallow schemas of the matchmaking API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.plugin import PageArgs, QueryArgs, page_schema, taxonomy
from plugins.matchmaking.models import COLLABORATION_STAGES, NEED_STATUSES, PARTNER_TYPES
from plugins.matchmaking.services import FEED_SORTS, NEED_SORTS, OFFER_SORTS

_money = {"strict": True, "allow_none": True, "validate": validate.Range(min=0, max=10**15)}
_region = validate.Regexp(r"^\d{2}\.\d{2}$")
_province = validate.Regexp(r"^\d{2}$")


class NeedFieldsSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=10000))
    dimension = fields.String(validate=validate.OneOf(list(taxonomy.DIMENSIONS)))
    sub_dimension = fields.String(allow_none=True,
                                  validate=validate.OneOf(list(taxonomy.SUB_DIMENSIONS)))
    programme_id = fields.Integer(strict=True, allow_none=True)
    budget_min = fields.Integer(**_money)
    budget_max = fields.Integer(**_money)
    partner_types = fields.List(fields.String(validate=validate.OneOf(PARTNER_TYPES)),
                                validate=validate.Length(max=4))
    deadline = fields.Date(allow_none=True)


class NeedCreateSchema(NeedFieldsSchema):
    region_code = fields.String(required=True, validate=_region)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    dimension = fields.String(required=True, validate=validate.OneOf(list(taxonomy.DIMENSIONS)))


class NeedUpdateSchema(NeedFieldsSchema):
    status = fields.String(validate=validate.OneOf(NEED_STATUSES))


class NeedSchema(Schema):
    id = fields.Integer()
    region_code = fields.String()
    region_name = fields.String()
    province_code = fields.String()
    title = fields.String()
    description = fields.String()
    dimension = fields.String()
    sub_dimension = fields.String(allow_none=True)
    programme_id = fields.Integer(allow_none=True)
    programme_title = fields.String()
    budget_min = fields.Integer(allow_none=True)
    budget_max = fields.Integer(allow_none=True)
    partner_types = fields.List(fields.String())
    deadline = fields.Date(allow_none=True)
    status = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


NeedPage = page_schema(NeedSchema, "NeedPage")


class NeedListArgs(PageArgs):
    SORTS = tuple(NEED_SORTS)

    region = fields.String(validate=_region)
    province = fields.String(validate=_province)
    dimension = fields.String(validate=validate.OneOf(list(taxonomy.DIMENSIONS)))
    status = fields.String(validate=validate.OneOf(NEED_STATUSES))
    q = fields.String(validate=validate.Length(max=100))


class OfferFieldsSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(min=1, max=10000))
    dimensions = fields.List(fields.String(validate=validate.OneOf(list(taxonomy.DIMENSIONS))),
                             validate=validate.Length(min=1, max=6))
    sub_dimensions = fields.List(
        fields.String(validate=validate.OneOf(list(taxonomy.SUB_DIMENSIONS))),
        validate=validate.Length(max=18))
    provinces = fields.List(fields.String(validate=_province), validate=validate.Length(max=40))
    national = fields.Boolean()
    price_min = fields.Integer(**_money)
    price_max = fields.Integer(**_money)
    references = fields.String(validate=validate.Length(max=5000))


class OfferCreateSchema(OfferFieldsSchema):
    organisation_id = fields.Integer(strict=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(required=True, validate=validate.Length(min=1, max=10000))
    dimensions = fields.List(fields.String(validate=validate.OneOf(list(taxonomy.DIMENSIONS))),
                             required=True, validate=validate.Length(min=1, max=6))


class OfferSchema(Schema):
    id = fields.Integer()
    organisation_id = fields.Integer()
    org_name = fields.String()
    org_type = fields.String()
    title = fields.String()
    description = fields.String()
    dimensions = fields.List(fields.String())
    sub_dimensions = fields.List(fields.String())
    provinces = fields.List(fields.String())
    national = fields.Boolean()
    price_min = fields.Integer(allow_none=True)
    price_max = fields.Integer(allow_none=True)
    references = fields.String()
    status = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


OfferPage = page_schema(OfferSchema, "OfferPage")


class OfferListArgs(PageArgs):
    SORTS = tuple(OFFER_SORTS)

    organisation = fields.Integer()
    dimension = fields.String(validate=validate.OneOf(list(taxonomy.DIMENSIONS)))
    province = fields.String(validate=_province)
    status = fields.String(validate=validate.OneOf(("published", "withdrawn")))
    q = fields.String(validate=validate.Length(max=100))


class ExplanationSchema(Schema):
    matched_terms = fields.List(fields.String())
    criteria = fields.Dict()
    parts = fields.Dict(keys=fields.String(), values=fields.Float())
    bm25 = fields.Float()


class MatchSchema(Schema):
    need_id = fields.Integer()
    offer_id = fields.Integer()
    organisation_id = fields.Integer()
    org_name = fields.String()
    offer_title = fields.String()
    score = fields.Float()
    explanation = fields.Nested(ExplanationSchema)
    computed_at = fields.DateTime()


class OpportunitySchema(Schema):
    need = fields.Nested(NeedSchema)
    offer_id = fields.Integer()
    score = fields.Float()
    explanation = fields.Nested(ExplanationSchema)


OpportunityPage = page_schema(OpportunitySchema, "OpportunityPage")


class OpportunityArgs(PageArgs):
    SORTS = FEED_SORTS

    organisation_id = fields.Integer()
    dimension = fields.String(validate=validate.OneOf(list(taxonomy.DIMENSIONS)))
    province = fields.String(validate=_province)
    budget = fields.Integer(validate=validate.Range(min=0, max=10**15))
    deadline_from = fields.Date()
    q = fields.String(validate=validate.Length(max=100))


class InterestCreateSchema(Schema):
    organisation_id = fields.Integer(strict=True)
    offer_id = fields.Integer(strict=True, allow_none=True)
    message = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class DecisionSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=5000))


class InterestSchema(Schema):
    id = fields.Integer()
    need_id = fields.Integer()
    need_title = fields.String()
    organisation_id = fields.Integer()
    org_name = fields.String()
    region_code = fields.String()
    offer_id = fields.Integer(allow_none=True)
    message = fields.String()
    status = fields.String()
    decision_reason = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


InterestPage = page_schema(InterestSchema, "InterestPage")


class InterestListArgs(PageArgs):
    need_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(("open", "accepted", "declined",
                                                    "withdrawn")))


class CollaborationSchema(Schema):
    id = fields.Integer()
    interest_id = fields.Integer()
    need_id = fields.Integer()
    need_title = fields.String()
    organisation_id = fields.Integer()
    org_name = fields.String()
    region_code = fields.String()
    stage = fields.String()
    history = fields.List(fields.Dict())
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


CollaborationPage = page_schema(CollaborationSchema, "CollaborationPage")


class StageSchema(Schema):
    stage = fields.String(required=True, validate=validate.OneOf(COLLABORATION_STAGES))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class SavedSearchCreateSchema(Schema):
    organisation_id = fields.Integer(strict=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    filters = fields.Nested(OpportunityArgs(only=("dimension", "province", "budget",
                                                  "deadline_from", "q")), load_default=dict)


class SavedSearchSchema(Schema):
    id = fields.Integer()
    organisation_id = fields.Integer()
    name = fields.String()
    filters = fields.Dict()
    created_at = fields.DateTime()


class EmptyArgs(QueryArgs):
    pass
