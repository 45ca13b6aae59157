"""The statistics page and the CSV downloads, mounted at /opendata."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from core.plugin import db_session
from sinergi_opendata import statistics

blp = Blueprint("opendata", __name__, url_prefix="/opendata", template_folder="templates")


@blp.get("/")
def index():
    provinces = statistics.province_stats(db_session())
    return render_template(
        "opendata/index.html",
        provinces=provinces,
        regions=sum(p.regions for p in provinces),
        participating=sum(p.participating for p in provinces),
    )


def _csv(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.get("/regions.csv")
def regions_csv():
    rows = statistics.region_rows(db_session())
    return _csv(statistics.to_csv(rows, statistics.REGION_COLUMNS), "sinergi-regions.csv")


@blp.get("/provinces.csv")
def provinces_csv():
    rows = [p.row() for p in statistics.province_stats(db_session())]
    return _csv(statistics.to_csv(rows, statistics.PROVINCE_COLUMNS), "sinergi-provinces.csv")
