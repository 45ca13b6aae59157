"""Region and province endpoints."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from core.api.common import (
    content_etag,
    dump_json,
    json_response,
    page_body,
    page_options,
    read_connection,
)
from core.db import session
from core.regions import services
from core.regions.schemas import (
    JoinSchema,
    ParticipationSchema,
    ProvinceSchema,
    RegionListArgs,
    RegionPage,
    RegionSchema,
    StageChangeSchema,
    region_row_body,
)
from core.web.auth import current_principal

blp = Blueprint("regions", __name__, description="Provinces and regions (kabupaten/kota)")


@blp.route("/regions")
class Regions(MethodView):
    # A schema instance: given the class, webargs would build it anew on every request.
    @blp.arguments(RegionListArgs(), location="query")
    @blp.response(200, RegionPage)
    def get(self, args: dict[str, Any]):
        """List regions, filtered by province, kind, cohort, stage or text. The ETag names the
        page's content: send it as ``If-None-Match`` to get 304 when nothing changed."""
        keys = ("province", "kind", "cohort", "stage", "participating", "q")
        filters = services.RegionFilter(**{k: args.get(k) for k in keys})
        with read_connection() as connection:
            page = services.list_region_rows(connection, filters, **page_options(args, "code"))
        body = page_body(page)
        # Read-only rows and a plain function instead of ORM objects and RegionPage: the same
        # JSON (tests/api/test_fast_serialisers.py) for a fifth of the cost.
        body["items"] = [region_row_body(row) for row in page.items]
        data = dump_json(body)
        return json_response(data, content_etag("regions", data))


@blp.route("/regions/<string:code>")
class RegionDetail(MethodView):
    @blp.response(200, RegionSchema)
    def get(self, code: str):
        """One region with its province and participation."""
        return services.get_region(session(), code)


@blp.route("/regions/<string:code>/participation")
class RegionParticipation(MethodView):
    @blp.arguments(JoinSchema)
    @blp.response(201, ParticipationSchema)
    def post(self, data: dict[str, Any], code: str):
        """Record that the region joined the movement (admin)."""
        db = session()
        participation = services.join_movement(db, current_principal(), code, **data)
        db.commit()
        return participation

    @blp.arguments(StageChangeSchema)
    @blp.response(200, ParticipationSchema)
    def patch(self, data: dict[str, Any], code: str):
        """Move the region to another stage (admin)."""
        db = session()
        participation = services.change_stage(db, current_principal(), code, **data)
        db.commit()
        return participation


@blp.route("/provinces")
class Provinces(MethodView):
    @blp.response(200, ProvinceSchema(many=True))
    def get(self):
        """All 38 provinces with their number of regions and participating regions."""
        return [
            _province(p, n, m) for p, n, m in services.list_provinces(session())
        ]


@blp.route("/provinces/<string:code>")
class ProvinceDetail(MethodView):
    @blp.response(200, ProvinceSchema)
    def get(self, code: str):
        """One province."""
        return _province(*services.get_province_summary(session(), code))


def _province(province: Any, regions: int, participating: int) -> dict[str, Any]:
    return {
        "code": province.code,
        "name": province.name,
        "population": province.population,
        "area_km2": province.area_km2,
        "region_count": regions,
        "participating_count": participating,
    }
