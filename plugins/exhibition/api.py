"""The exhibition API under /api/v1/exhibition: open data (booths and hall statistics as JSON
and CSV) for everyone, booth editing for a region's officers, moderation for admins."""

from __future__ import annotations

import base64
import binascii
import csv
import io
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from core.plugin import (
    IF_MATCH,
    NotFound,
    Page,
    ValidationFailed,
    _,
    current_principal,
    db_session,
    etag,
    expected_version,
    page_body,
    page_options,
    require_principal,
    taxonomy,
)
from plugins.exhibition import hall, services
from plugins.exhibition.schemas import (
    AchievementSchema,
    AchievementUpdateSchema,
    BoothCreateSchema,
    BoothListArgs,
    BoothPage,
    BoothTextsSchema,
    ExhibitionReasonSchema,
    ExhibitionRequiredReasonSchema,
    FilterArgs,
    ImageUploadSchema,
    ModerationItemSchema,
    PublicBoothSchema,
    StatisticsSchema,
    WorkingCopySchema,
)

blp = Blueprint("exhibition_api", __name__, url_prefix="/exhibition",
                description="Virtual exhibition: booths, achievements, hall statistics")

SORT_KEYS = {
    "index": lambda c: (c.evaluation.index if c.evaluation else -1.0),
    "name": lambda c: c.region.name,
    "code": lambda c: c.region.code,
    "published": lambda c: c.published_at.isoformat() if c.published_at else "",
}


def _filters(args: dict[str, Any]) -> hall.HallFilters:
    return hall.HallFilters(province=args.get("province"), dimension=args.get("dimension"),
                            cohort=args.get("cohort"), q=(args.get("q") or "").strip() or None)


def _csv(rows: list[dict[str, Any]], columns: list[str], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- open data


@blp.route("/booths")
class Booths(MethodView):
    @blp.arguments(BoothListArgs(), location="query")
    @blp.response(200, BoothPage)
    def get(self, args: dict[str, Any]):
        """Published booths, filtered by province, dimension, cohort or text (3 statements)."""
        cards = hall.booth_cards(db_session(), _filters(args))
        sort = args.get("sort") or "-index"
        cards.sort(key=SORT_KEYS[sort.removeprefix("-")], reverse=sort.startswith("-"))
        options = page_options(args, "-index")
        start = (options["page"] - 1) * options["per_page"]
        items = [c.as_dict() for c in cards[start:start + options["per_page"]]]
        return page_body(Page(items=items, total=len(cards), page=options["page"],
                              per_page=options["per_page"]))

    @blp.arguments(BoothCreateSchema)
    @blp.response(201, WorkingCopySchema)
    def post(self, data: dict[str, Any]):
        """Open the region's booth as a draft (the region's officers, admins)."""
        db = db_session()
        code = data.pop("region_code")
        booth = services.open_booth(db, require_principal(), code, data, exists_ok=False)
        db.commit()
        return _working(booth, 201)


@blp.route("/booths.csv")
class BoothsCsv(MethodView):
    @blp.arguments(FilterArgs(), location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, args: dict[str, Any]):
        """Published booths as CSV (same filters)."""
        cards = hall.booth_cards(db_session(), _filters(args))
        columns = ["region_code", "region_name", "province_code", "province_name",
                   "cohort_year", "stage", "tagline", "dimensions", "achievement_count",
                   "index", "cycle_year", "rank", "verified", "published_at", "url"]
        return _csv([c.as_dict() for c in cards], columns, "pameran-booths.csv")


@blp.route("/statistics")
class Statistics(MethodView):
    @blp.response(200, StatisticsSchema)
    def get(self):
        """The national hall's figures: cohorts, provinces, dimensions, leaderboard."""
        return hall.hall(db_session()).statistics()


@blp.route("/statistics.csv")
class StatisticsCsv(MethodView):
    @blp.response(200, content_type="text/csv")
    def get(self):
        """Participation, booths and average index by province, as CSV."""
        stats = hall.hall(db_session()).statistics()
        columns = ["province_code", "province_name", "regions", "participating", "booths",
                   "average_index"]
        return _csv(stats["provinces"], columns, "pameran-statistics.csv")


def _public(view: services.BoothView) -> dict[str, Any]:
    content = view.content
    assert content is not None
    dims = content.dimensions or list(taxonomy.DIMENSIONS)
    return {
        "region": view.region, "tagline": content.tagline, "story": content.story,
        "replicate_note": content.replicate_note,
        "published_at": view.booth.published_at if view.booth else None,
        "verified": view.verified, "achievements": content.achievements,
        "plan": view.plan, "quick_wins": view.quick_wins, "evaluations": view.evaluations,
        "partners": view.partners,
        "replicate_links": [f"/needs?dimension={d}" for d in dims],
    }


@blp.route("/booths/<string:code>")
class BoothDetail(MethodView):
    @blp.response(200, PublicBoothSchema)
    def get(self, code: str):
        """A published booth (404 for any booth that is not in the exhibition)."""
        return _public(services.booth_view(db_session(), current_principal(), code))


# ---------------------------------------------------------------- editing


def _working(booth, status: int = 200) -> tuple[dict[str, Any], int, dict[str, str]]:
    db = db_session()
    body = {
        "id": booth.id, "region_code": booth.region_code, "tagline": booth.tagline,
        "story": booth.story, "replicate_note": booth.replicate_note, "state": booth.state,
        "live": booth.live, "status": services.booth_status(booth),
        "review_reason": booth.review_reason, "version": booth.version,
        "submitted_at": booth.submitted_at, "published_at": booth.published_at,
        "achievements": services.working_content(db, booth).achievements,
    }
    return body, status, {"ETag": etag("booth", booth.region_code, booth.version)}


@blp.route("/booths/<string:code>/draft")
class BoothDraft(MethodView):
    @blp.response(200, WorkingCopySchema)
    def get(self, code: str):
        """The working copy of a booth (the region's officers, admins)."""
        view = services.booth_view(db_session(), require_principal(), code, preview=True)
        if view.booth is None:
            raise NotFound(_("This region has no booth yet."))
        return _working(view.booth)

    @blp.doc(**IF_MATCH)
    @blp.arguments(BoothTextsSchema)
    @blp.response(200, WorkingCopySchema)
    def patch(self, data: dict[str, Any], code: str):
        """Edit the working copy's texts. Needs If-Match."""
        db = db_session()
        actor = require_principal()
        booth = services.find_booth(db, code)
        if booth is None:
            raise NotFound(_("This region has no booth yet."))  # 404 before 428/412
        if not services.can_edit(actor, code):
            raise services.PermissionDenied()
        version = expected_version("booth", code)
        booth = services.update_booth(db, actor, code, data, version)
        db.commit()
        return _working(booth)


@blp.route("/booths/<string:code>/achievements")
class Achievements(MethodView):
    @blp.arguments(AchievementSchema)
    @blp.response(201, AchievementSchema)
    def post(self, data: dict[str, Any], code: str):
        """Add an achievement to the working copy."""
        db = db_session()
        item = services.add_achievement(db, require_principal(), code, data)
        db.commit()
        return item


@blp.route("/achievements/<int:achievement_id>")
class AchievementDetail(MethodView):
    @blp.arguments(AchievementUpdateSchema)
    @blp.response(200, AchievementSchema)
    def patch(self, data: dict[str, Any], achievement_id: int):
        """Edit an achievement of the working copy."""
        db = db_session()
        item = services.update_achievement(db, require_principal(), achievement_id, data)
        db.commit()
        return item

    @blp.response(204)
    def delete(self, achievement_id: int):
        """Remove an achievement from the working copy."""
        db = db_session()
        services.delete_achievement(db, require_principal(), achievement_id)
        db.commit()


@blp.route("/achievements/<int:achievement_id>/image")
class AchievementImage(MethodView):
    @blp.arguments(ImageUploadSchema)
    @blp.response(200, AchievementSchema)
    def put(self, data: dict[str, Any], achievement_id: int):
        """Upload the achievement's image as base64: JPEG, PNG, WebP or GIF (detected from the
        bytes), size-capped, re-encoded as JPEG with a thumbnail."""
        try:
            raw = base64.b64decode(data["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(errors={"content_base64": ["Not valid base64."]}) from None
        db = db_session()
        item = services.attach_image(db, require_principal(), achievement_id, raw)
        db.commit()
        return item


def _transition(code: str, action, **kwargs: Any):
    db = db_session()
    booth = action(db, require_principal(), code, **kwargs)
    db.commit()
    return _working(booth)


@blp.route("/booths/<string:code>/submit")
class Submit(MethodView):
    @blp.response(200, WorkingCopySchema)
    def post(self, code: str):
        """Send the working copy for moderation."""
        return _transition(code, services.submit_booth)


@blp.route("/booths/<string:code>/approve")
class Approve(MethodView):
    @blp.arguments(ExhibitionReasonSchema)
    @blp.response(200, WorkingCopySchema)
    def post(self, data: dict[str, Any], code: str):
        """Approve a submitted booth and publish it (admin)."""
        return _transition(code, services.approve_booth, reason=data["reason"])


@blp.route("/booths/<string:code>/reject")
class Reject(MethodView):
    @blp.arguments(ExhibitionRequiredReasonSchema)
    @blp.response(200, WorkingCopySchema)
    def post(self, data: dict[str, Any], code: str):
        """Reject a submitted booth with a reason (admin); it leaves the exhibition."""
        return _transition(code, services.reject_booth, reason=data["reason"])


@blp.route("/booths/<string:code>/unpublish")
class Unpublish(MethodView):
    @blp.arguments(ExhibitionReasonSchema)
    @blp.response(200, WorkingCopySchema)
    def post(self, data: dict[str, Any], code: str):
        """Take a published booth out of the exhibition (its officers, admins)."""
        return _transition(code, services.unpublish_booth, reason=data["reason"])


@blp.route("/booths/<string:code>/publish")
class Publish(MethodView):
    @blp.response(200, WorkingCopySchema)
    def post(self, code: str):
        """Publish again an unpublished booth's approved version (admin)."""
        return _transition(code, services.republish_booth)


@blp.route("/moderation")
class Moderation(MethodView):
    @blp.response(200, ModerationItemSchema(many=True))
    def get(self):
        """Booths waiting for review, then the published ones (admin)."""
        return [
            {"region_code": b.region_code, "region_name": r.name, "state": b.state,
             "live": b.live, "version": b.version, "submitted_at": b.submitted_at}
            for b, r in services.moderation_queue(db_session(), require_principal())
        ]
