"""Open data API, mounted under /api/v1/opendata."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from core.plugin import QueryArgs, db_session
from sinergi_opendata import statistics

blp = Blueprint("opendata_api", __name__, url_prefix="/opendata",
                description="Open data: regions and provinces (example third-party plugin)")


class RegionArgs(QueryArgs):
    code = fields.String(validate=validate.Regexp(r"^\d{2}\.\d{2}$"))


class RegionRow(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    province_code = fields.String()
    province_name = fields.String()
    population = fields.Integer(allow_none=True)
    area_km2 = fields.Float(allow_none=True)
    density_per_km2 = fields.Float(allow_none=True)
    cohort_year = fields.Integer(allow_none=True)
    stage = fields.String(allow_none=True)


class ProvinceRow(Schema):
    code = fields.String()
    name = fields.String()
    regions = fields.Integer()
    participating = fields.Integer()
    population = fields.Integer()
    participating_population = fields.Integer()
    participating_population_share = fields.Float()


@blp.route("/regions")
class Regions(MethodView):
    @blp.arguments(RegionArgs, location="query")
    @blp.response(200, RegionRow(many=True))
    def get(self, args):
        """Every region (or one, with ``code``) with its participation in the movement."""
        return statistics.region_rows(db_session(), args.get("code"))


@blp.route("/provinces")
class Provinces(MethodView):
    @blp.response(200, ProvinceRow(many=True))
    def get(self):
        """Participation per province."""
        return [p.row() for p in statistics.province_stats(db_session())]
