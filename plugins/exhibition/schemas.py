"""Marshmallow schemas of the exhibition API (unknown fields are refused)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.plugin import PageArgs, QueryArgs, page_schema, taxonomy


class FilterArgs(QueryArgs):
    province = fields.String(validate=validate.Regexp(r"^\d{2}$"))
    dimension = fields.String(validate=validate.OneOf(list(taxonomy.DIMENSIONS)))
    cohort = fields.Integer(validate=validate.OneOf(taxonomy.COHORT_YEARS))
    q = fields.String(validate=validate.Length(max=100))


class BoothListArgs(PageArgs, FilterArgs):
    SORTS = ("index", "name", "code", "published")


class BoothCardSchema(Schema):
    region_code = fields.String()
    region_name = fields.String()
    province_code = fields.String()
    province_name = fields.String()
    cohort_year = fields.Integer(allow_none=True)
    stage = fields.String(allow_none=True)
    tagline = fields.String()
    dimensions = fields.List(fields.String())
    achievement_count = fields.Integer()
    index = fields.Float(allow_none=True)
    cycle_year = fields.Integer(allow_none=True)
    rank = fields.Integer(allow_none=True)
    verified = fields.Boolean()
    published_at = fields.String(allow_none=True)
    url = fields.String()


BoothPage = page_schema(BoothCardSchema, "ExhibitionBoothPage")


class AchievementSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    caption = fields.String(load_default="", validate=validate.Length(max=1000))
    dimension = fields.String(required=True,
                              validate=validate.OneOf(list(taxonomy.DIMENSIONS)))
    year = fields.Integer(required=True, strict=True)
    image_id = fields.Integer(dump_only=True, allow_none=True)
    image_url = fields.Function(
        lambda a: f"/pameran/media/{_get(a, 'image_id')}/large.jpg"
        if _get(a, "image_id") else None, dump_only=True)
    thumbnail_url = fields.Function(
        lambda a: f"/pameran/media/{_get(a, 'image_id')}/thumb.jpg"
        if _get(a, "image_id") else None, dump_only=True)


def _get(obj, name):
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


class AchievementUpdateSchema(Schema):
    title = fields.String(validate=validate.Length(min=3, max=200))
    caption = fields.String(validate=validate.Length(max=1000))
    dimension = fields.String(validate=validate.OneOf(list(taxonomy.DIMENSIONS)))
    year = fields.Integer(strict=True)


class ImageUploadSchema(Schema):
    content_base64 = fields.String(required=True, validate=validate.Length(min=1))


class BoothTextsSchema(Schema):
    tagline = fields.String(validate=validate.Length(max=160))
    story = fields.String(validate=validate.Length(max=5000))
    replicate_note = fields.String(validate=validate.Length(max=2000))


class BoothCreateSchema(BoothTextsSchema):
    region_code = fields.String(required=True, validate=validate.Regexp(r"^\d{2}\.\d{2}$"))


class ExhibitionReasonSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class ExhibitionRequiredReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class WorkingCopySchema(Schema):
    """The editable booth, as its officers and admins see it."""

    id = fields.Integer()
    region_code = fields.String()
    tagline = fields.String()
    story = fields.String()
    replicate_note = fields.String()
    state = fields.String()
    live = fields.Boolean()
    status = fields.String()
    review_reason = fields.String()
    version = fields.Integer()
    submitted_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    achievements = fields.List(fields.Nested(AchievementSchema))


class EvaluationSchema(Schema):
    cycle_year = fields.Integer()
    index = fields.Float()
    components = fields.Dict(keys=fields.String(), values=fields.Float())
    dimensions = fields.Dict(keys=fields.String(), values=fields.Float())
    rank = fields.Integer(allow_none=True)
    of = fields.Integer(allow_none=True)
    awards = fields.List(fields.String())
    verified = fields.Boolean()


class ProgrammeSchema(Schema):
    programme_id = fields.Integer(allow_none=True)
    title = fields.String()
    dimension = fields.String()
    sub_dimension = fields.String()
    horizon = fields.String()
    quick_win = fields.Boolean()
    budget_idr = fields.Integer()
    status = fields.String()


class PlanSummarySchema(Schema):
    plan_id = fields.Integer()
    title = fields.String()
    vision = fields.String()
    period_start = fields.Integer()
    period_end = fields.Integer()
    programmes = fields.List(fields.Nested(ProgrammeSchema))


class PartnerSchema(Schema):
    organisation_id = fields.Integer()
    organisation_name = fields.String()
    organisation_type = fields.String()
    topics = fields.List(fields.String())
    dimensions = fields.List(fields.String())


class RegionProfileSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    province_code = fields.String()
    province_name = fields.String()
    population = fields.Integer(allow_none=True)
    area_km2 = fields.Float(allow_none=True)
    cohort_year = fields.Integer(allow_none=True)
    stage = fields.String(allow_none=True)


class PublicBoothSchema(Schema):
    region = fields.Nested(RegionProfileSchema)
    tagline = fields.String()
    story = fields.String()
    replicate_note = fields.String()
    published_at = fields.DateTime(allow_none=True)
    verified = fields.Boolean()
    achievements = fields.List(fields.Nested(AchievementSchema))
    plan = fields.Nested(PlanSummarySchema, allow_none=True)
    quick_wins = fields.List(fields.Nested(ProgrammeSchema))
    evaluations = fields.List(fields.Nested(EvaluationSchema))
    partners = fields.List(fields.Nested(PartnerSchema))
    replicate_links = fields.List(fields.String())


class ModerationItemSchema(Schema):
    region_code = fields.String()
    region_name = fields.String()
    state = fields.String()
    live = fields.Boolean()
    version = fields.Integer()
    submitted_at = fields.DateTime(allow_none=True)


class StatisticsSchema(Schema):
    regions_total = fields.Integer()
    regions_participating = fields.Integer()
    provinces_participating = fields.Integer()
    booths_published = fields.Integer()
    achievements_published = fields.Integer()
    cohorts = fields.List(fields.Dict())
    provinces = fields.List(fields.Dict())
    dimensions = fields.List(fields.Dict())
    latest_cycle = fields.Integer(allow_none=True)
    regions_evaluated = fields.Integer()
    leaderboard = fields.List(fields.Dict())
