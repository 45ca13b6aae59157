"""Marshmallow schemas of the evaluation API (unknown fields are refused)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from core.plugin import PageArgs, _l, page_schema, taxonomy
from plugins.evaluation.scoring import COMPONENTS

YEAR = validate.Range(min=2000, max=2100)
REGION = validate.Regexp(r"^\d{2}\.\d{2}$")
POSITION = validate.Range(min=0, max=1_000_000)
#: Row ids fit a 64-bit integer on every database (SQLite refuses larger Python ints).
ID = validate.Range(min=1, max=2**63 - 1)
Score = fields.Float(allow_none=True)


class WeightsSchema(Schema):
    baseline = fields.Integer(strict=True, required=True)
    output = fields.Integer(strict=True, required=True)
    outcome = fields.Integer(strict=True, required=True)
    impact = fields.Integer(strict=True, required=True)
    quick_win = fields.Integer(strict=True, required=True)


class DeadlinesSchema(Schema):
    self_assessment = fields.Date(allow_none=True)
    assessment = fields.Date(allow_none=True)
    survey = fields.Date(allow_none=True)


class IndicatorInSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    component = fields.String(required=True, validate=validate.OneOf(COMPONENTS))
    dimension = fields.String(required=True, validate=validate.OneOf(list(taxonomy.DIMENSIONS)))
    sub_dimension = fields.String(allow_none=True,
                                  validate=validate.OneOf(list(taxonomy.SUB_DIMENSIONS)))
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    position = fields.Integer(load_default=0, validate=POSITION)


class IndicatorPatchSchema(Schema):
    code = fields.String(validate=validate.Length(min=1, max=40))
    component = fields.String(validate=validate.OneOf(COMPONENTS))
    dimension = fields.String(validate=validate.OneOf(list(taxonomy.DIMENSIONS)))
    sub_dimension = fields.String(allow_none=True,
                                  validate=validate.OneOf(list(taxonomy.SUB_DIMENSIONS)))
    name = fields.String(validate=validate.Length(min=1, max=300))
    description = fields.String(validate=validate.Length(max=5000))
    position = fields.Integer(validate=POSITION)


class IndicatorSchema(IndicatorInSchema):
    id = fields.Integer(dump_only=True)


class CycleFieldsSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    scale_min = fields.Integer(strict=True, validate=validate.Range(min=0, max=100))
    scale_max = fields.Integer(strict=True, validate=validate.Range(min=1, max=100))
    weights = fields.Nested(WeightsSchema)
    gap_threshold = fields.Decimal(places=2, as_string=True)
    deadlines = fields.Nested(DeadlinesSchema)
    region_codes = fields.List(fields.String(validate=REGION), validate=validate.Length(max=600))


class CycleCreateSchema(CycleFieldsSchema):
    year = fields.Integer(required=True, strict=True, validate=YEAR)
    cohorts = fields.List(fields.Integer(validate=YEAR))
    indicators = fields.List(fields.Nested(IndicatorInSchema),
                             validate=validate.Length(min=1, max=500))


class CycleSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    title = fields.String()
    status = fields.String()
    scale_min = fields.Integer()
    scale_max = fields.Integer()
    weights = fields.Dict(keys=fields.String(), values=fields.Integer())
    gap_threshold = fields.Function(lambda c: str(c.gap_threshold_centi / 100))
    deadlines = fields.Dict()
    version = fields.Integer()
    participants = fields.Method("_participants")
    opened_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)

    def _participants(self, cycle):
        return getattr(cycle, "participant_count", None)


CyclePage = page_schema(CycleSchema, "EvaluationCyclePage")


class ParticipantSchema(Schema):
    region_code = fields.String()
    region_name = fields.String()
    cohort_year = fields.Integer(allow_none=True)
    self_status = fields.String()
    self_submitted_at = fields.DateTime(allow_none=True)
    finalised_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


ParticipantPage = page_schema(ParticipantSchema, "EvaluationParticipantPage")


class SelfValueInSchema(Schema):
    indicator_id = fields.Integer(required=True, strict=True, validate=ID)
    value = fields.String(validate=validate.Length(max=5000))
    evidence = fields.String(validate=validate.Length(max=20000))
    links = fields.List(fields.String(validate=validate.Length(max=500)))


class RealisationInSchema(Schema):
    programme_id = fields.Integer(required=True, strict=True, validate=ID)
    percent = fields.Integer(required=True, strict=True)


class SelfAssessmentInSchema(Schema):
    values = fields.List(fields.Nested(SelfValueInSchema), validate=validate.Length(max=1000))
    realisations = fields.List(fields.Nested(RealisationInSchema),
                               validate=validate.Length(max=500))


class SelfValueSchema(Schema):
    indicator_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    component = fields.String()
    dimension = fields.String()
    sub_dimension = fields.String(allow_none=True)
    value = fields.String()
    evidence = fields.String()
    links = fields.List(fields.String())


class EvidenceFileSchema(Schema):
    id = fields.Integer()
    indicator_id = fields.Integer(allow_none=True)
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    created_at = fields.DateTime()


class ProgrammeRealisationSchema(Schema):
    programme_id = fields.Integer()
    plan_id = fields.Integer()
    title = fields.String()
    dimension = fields.String()
    quick_win = fields.Boolean()
    percent = fields.Integer(allow_none=True)


class SelfAssessmentSchema(Schema):
    region_code = fields.String()
    status = fields.String()
    version = fields.Integer()
    submitted_at = fields.DateTime(allow_none=True)
    values = fields.List(fields.Nested(SelfValueSchema))
    files = fields.List(fields.Nested(EvidenceFileSchema))
    programmes = fields.List(fields.Nested(ProgrammeRealisationSchema))


class Base64Bytes(fields.Field):
    """Bytes sent as a base64 string."""

    def _deserialize(self, value, attr, data, **kwargs):
        import base64
        import binascii

        if not isinstance(value, str):
            raise ValidationError([_l("Send the file as a base64 string.")])
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError([_l("Not valid base64.")]) from None


class EvidenceUploadSchema(Schema):
    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_base64 = Base64Bytes(required=True)
    indicator_id = fields.Integer(allow_none=True, strict=True, validate=ID)


class AssignmentInSchema(Schema):
    region_code = fields.String(required=True, validate=REGION)
    assessor_id = fields.Integer(required=True, strict=True, validate=ID)
    lead = fields.Boolean(load_default=False)


class ScoreSchema(Schema):
    indicator_id = fields.Integer()
    score = Score
    note = fields.String()


class AssignmentSchema(Schema):
    id = fields.Integer()
    cycle_year = fields.Integer()
    region_code = fields.String()
    region_name = fields.String()
    assessor_id = fields.Integer()
    assessor_name = fields.String()
    is_lead = fields.Boolean()
    status = fields.String()
    coi_statement = fields.String()
    declared_at = fields.DateTime(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    notes = fields.String()
    interview_notes = fields.String()
    version = fields.Integer()
    scores = fields.List(fields.Nested(ScoreSchema))


class DeclarationSchema(Schema):
    conflict = fields.Boolean(required=True)
    statement = fields.String(load_default="", validate=validate.Length(max=5000))


class ScoreInSchema(Schema):
    indicator_id = fields.Integer(required=True, strict=True, validate=ID)
    score = fields.Raw(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=5000))


class ScoresInSchema(Schema):
    scores = fields.List(fields.Nested(ScoreInSchema), validate=validate.Length(max=1000))
    notes = fields.String(validate=validate.Length(max=20000))
    interview_notes = fields.String(validate=validate.Length(max=20000))


class FinalInSchema(Schema):
    indicator_id = fields.Integer(required=True, strict=True, validate=ID)
    score = fields.Raw(required=True)
    reason = fields.String(required=True, validate=validate.Length(max=5000))


class FinalsInSchema(Schema):
    finals = fields.List(fields.Nested(FinalInSchema), required=True,
                         validate=validate.Length(min=1, max=1000))


class AssessorScoreSchema(Schema):
    assignment_id = fields.Integer()
    assessor_name = fields.String()
    score = Score
    note = fields.String()


class ReconciliationRowSchema(Schema):
    indicator_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    component = fields.String()
    dimension = fields.String()
    scores = fields.List(fields.Nested(AssessorScoreSchema))
    mean = Score
    gap = Score
    flagged = fields.Boolean()
    final = Score
    final_reason = fields.String()


class TeamMemberSchema(Schema):
    assignment_id = fields.Integer()
    assessor_name = fields.String()
    is_lead = fields.Boolean()
    status = fields.String()
    notes = fields.String()
    interview_notes = fields.String()


class ReconciliationSchema(Schema):
    region_code = fields.String()
    version = fields.Integer()
    threshold = Score
    all_submitted = fields.Boolean()
    can_reconcile = fields.Boolean()
    flagged = fields.Integer()
    assessors = fields.List(fields.Nested(TeamMemberSchema))
    indicators = fields.List(fields.Nested(ReconciliationRowSchema))


class SurveyInSchema(Schema):
    programme_id = fields.Integer(required=True, strict=True, validate=ID)


class SurveySchema(Schema):
    id = fields.Integer()
    programme_id = fields.Integer()
    programme_title = fields.String()
    dimension = fields.String()
    status = fields.String()
    invitations = fields.Integer()
    responses = fields.Integer()
    mean_rating = fields.Float(allow_none=True)
    meets_minimum = fields.Boolean()


class TokensInSchema(Schema):
    count = fields.Integer(required=True, strict=True)


class TokensSchema(Schema):
    survey_id = fields.Integer()
    tokens = fields.List(fields.String())


class PublicSurveySchema(Schema):
    region_name = fields.String()
    cycle_year = fields.Integer()
    programme_title = fields.String()
    question = fields.String()
    answered = fields.Boolean()


class ResponseInSchema(Schema):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class ResultSchema(Schema):
    cycle_id = fields.Integer()
    cycle_year = fields.Integer()
    region_code = fields.String()
    region_name = fields.String()
    index = fields.Float()
    components = fields.Dict(keys=fields.String(), values=fields.Float())
    dimensions = fields.Dict(keys=fields.String(), values=fields.Float())
    rank = fields.Integer()
    of = fields.Integer()
    awards = fields.List(fields.String())
    scale_min = fields.Integer()
    scale_max = fields.Integer()
    verified = fields.Boolean()


ResultPage = page_schema(ResultSchema, "EvaluationResultPage")


class TrendPointSchema(Schema):
    cycle_year = fields.Integer()
    index = fields.Float()
    rank = fields.Integer()
    of = fields.Integer()


class RegionResultSchema(ResultSchema):
    trend = fields.List(fields.Nested(TrendPointSchema))
    change = fields.Float(allow_none=True)


class ResultArgs(PageArgs):
    SORTS = ("rank", "name", "index")


class ExternalArgs(PageArgs):
    SORTS = ("region",)
    region = fields.String(validate=REGION)
    year = fields.Integer(validate=YEAR)


class ExternalIndicatorSchema(Schema):
    region_code = fields.String()
    year = fields.Integer()
    key = fields.String()
    value = fields.Float()
    source = fields.String()
    updated_at = fields.DateTime()


ExternalPage = page_schema(ExternalIndicatorSchema, "EvaluationExternalIndicatorPage")


class ImportInSchema(Schema):
    csv = fields.String(required=True, validate=validate.Length(min=1, max=5_000_000))
    dry_run = fields.Boolean(load_default=False)


class ImportErrorSchema(Schema):
    line = fields.Integer()
    region_code = fields.String()
    messages = fields.List(fields.String())


class ImportReportSchema(Schema):
    rows = fields.Integer()
    imported = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    rejected = fields.Integer()
    dry_run = fields.Boolean()
    errors = fields.List(fields.Nested(ImportErrorSchema))


class CycleListArgs(PageArgs):
    SORTS = ("year",)


class IndicatorArgs(PageArgs):
    SORTS = ("position",)


class RegionArgs(PageArgs):
    SORTS = ("name",)


class AssignmentArgs(PageArgs):
    SORTS = ("year",)


class SurveyArgs(PageArgs):
    SORTS = ("created",)


IndicatorPage = page_schema(IndicatorSchema, "EvaluationIndicatorPage")
SurveyPage = page_schema(SurveySchema, "EvaluationSurveyPage")
AssignmentPage = page_schema(AssignmentSchema, "EvaluationAssignmentPage")
