"""The exhibition's pages: the national hall, the region booths, the officers' booth editor
and the admins' moderation queue. Thin handlers: the work is in services, hall and media."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from werkzeug.datastructures import MultiDict

from core.plugin import (
    DomainError,
    NotFound,
    ValidationFailed,
    _,
    current_principal,
    db_session,
    directory,
    login_required,
    plugin_config,
    taxonomy,
)
from plugins.exhibition import caching, charts, hall, media, services, tilemap
from plugins.exhibition.models import Image

bp = Blueprint("exhibition", __name__, url_prefix="/pameran", template_folder="templates",
               static_folder="static", static_url_path="/static")

REGION_CODE = re.compile(r"^\d{2}\.\d{2}$")
PROVINCE_CODE = re.compile(r"^\d{2}$")
MAP_MODES = ("participation", "score")


# ---------------------------------------------------------------- helpers


def _region_code(code: str) -> str:
    if not REGION_CODE.match(code):
        abort(404)
    return code


def hall_filters(args: MultiDict[str, str]) -> hall.HallFilters:
    """Filters from a query string; unknown values are ignored rather than refused."""
    province = (args.get("province") or "").strip()
    dimension = (args.get("dimension") or "").strip()
    cohort = (args.get("cohort") or "").strip()
    q = " ".join((args.get("q") or "").replace("\x00", "").split())[:100]
    return hall.HallFilters(
        province=province if PROVINCE_CODE.match(province) else None,
        dimension=dimension if dimension in taxonomy.DIMENSIONS else None,
        cohort=int(cohort) if cohort.isdigit() and int(cohort) in taxonomy.COHORT_YEARS else None,
        q=q or None,
    )


def _dimension_labels() -> dict[str, str]:
    return {k: str(v) for k, v in taxonomy.DIMENSION_LABELS.items()}


def _participation_level(row: hall.ProvinceRow) -> int:
    if not row.participating:
        return 0
    share = row.participating / max(1, row.regions)
    return min(5, 1 + int(share * 5))


def _score_level(value: float | None) -> int:
    if value is None:
        return 0
    return max(1, min(5, 1 + int((value - 40) // 10))) if value >= 40 else 1


def _map(view: hall.Hall, mode: str) -> Any:
    values = {}
    for row in view.provinces:
        if mode == "score":
            avg = row.average_index
            values[row.code] = tilemap.TileValue(
                _score_level(avg), "–" if avg is None else f"{avg:.0f}",
                _("average index %(v)s", v=f"{avg:.1f}") if avg is not None
                else _("not evaluated yet"))
        else:
            values[row.code] = tilemap.TileValue(
                _participation_level(row), str(row.participating),
                _("%(n)d of %(total)d regions joined", n=row.participating, total=row.regions))
    names = {p.code: p.name for p in view.provinces}
    title = (_("Average evaluation index by province") if mode == "score"
             else _("Regions that joined, by province"))
    return tilemap.render(
        values, names, ident="hall-map", title=title,
        desc=_("One square per province, placed roughly like the map of Indonesia; darker "
               "means more. Choose a province to see its booths."),
        href=lambda code: url_for("exhibition.hall", province=code, map=mode) + "#booths",
        selected=view.filters.province,
    )


# ---------------------------------------------------------------- the hall


@bp.get("", endpoint="hall")
def hall_page():
    """The national hall (public)."""
    filters = hall_filters(request.args)
    mode = request.args.get("map") if request.args.get("map") in MAP_MODES else "participation"

    def render():
        view = hall.hall(db_session(), filters)
        labels = _dimension_labels()
        return render_template(
            "exhibition/hall.html", view=view, filters=filters, map_mode=mode,
            tile_map=_map(view, mode), dimension_labels=labels,
            cohort_chart=charts.columns(
                [(str(y), n) for y, n, _c in view.cohorts], ident="cohort-chart",
                title=_("Regions that joined, per cohort year")),
            national_radar=charts.radar(
                view.national_dimensions, ident="national-radar", labels=labels,
                title=_("National average score by dimension, %(year)s",
                        year=view.latest_cycle or "")) if view.national_dimensions else None,
            principal=current_principal(),
        )

    return caching.conditional(render, scope="hall")


@bp.get("/", endpoint="hall_slash")
def hall_slash():
    return redirect(url_for("exhibition.hall", **request.args), 308)


# ---------------------------------------------------------------- booths


def _render_booth(view: services.BoothView):
    labels = _dimension_labels()
    latest = view.latest
    national = {}
    if latest is not None:
        national = hall.national_averages(db_session(), latest.cycle_year)
    return render_template(
        "exhibition/booth.html", view=view, region=view.region, content=view.content,
        dimension_labels=labels,
        radar=charts.radar(
            latest.dimensions, ident="booth-radar", labels=labels,
            title=_("Score by dimension, %(year)s", year=latest.cycle_year),
            compare=national or None, compare_label=_("National average"),
        ) if latest and latest.dimensions else None,
        trend=charts.trend(
            [(e.cycle_year, e.index) for e in view.evaluations], ident="booth-trend",
            title=_("Evaluation index across the years"),
        ) if view.evaluations else None,
        national=national,
        can_edit=services.can_edit(current_principal(), view.region.code),
        status=services.booth_status(view.booth),
    )


@bp.get("/<code>")
def booth(code: str):
    """A region's booth as the public sees it."""
    code = _region_code(code)
    principal = current_principal()

    def render():
        try:
            view = services.booth_view(db_session(), principal, code)
        except NotFound:
            if services.can_edit(principal, code):
                return redirect(url_for("exhibition.manage", code=code))
            raise
        return _render_booth(view)

    return caching.conditional(render, scope="booth")


@bp.get("/<code>/pratinjau")
@login_required
def preview(code: str):
    """The working copy rendered like the public booth (officers, admins)."""
    view = services.booth_view(db_session(), current_principal(), _region_code(code),
                               preview=True)
    if view.booth is None:
        return redirect(url_for("exhibition.manage", code=code))
    return _render_booth(view)


# ---------------------------------------------------------------- editing


def _render_manage(code: str, errors: dict[str, list[str]] | None = None,
                   values: dict[str, Any] | None = None, status: int = 200):
    db = db_session()
    principal = current_principal()
    region = directory.get_region(db, code)
    if not services.can_edit(principal, region.code):
        raise services.PermissionDenied(_("Only the region's officers can edit its booth."))
    booth = services.find_booth(db, region.code)
    items = services.achievements_of(db, booth.id) if booth else []
    return render_template(
        "exhibition/manage.html", region=region, booth=booth, achievements=items,
        status=services.booth_status(booth), errors=errors or {}, values=values or {},
        dimension_options=list(_dimension_labels().items()),
        max_size=media.size_text(int(plugin_config("exhibition")["max_image_bytes"])),
    ), status


@bp.get("/<code>/kelola")
@login_required
def manage(code: str):
    return _render_manage(_region_code(code))


def _form_action(code: str, action, success: str, *, anchor: str = ""):
    """Run ``action(db)``; on bad input show the editor again with the messages and values."""
    db = db_session()
    try:
        action(db)
    except ValidationFailed as error:
        db.rollback()
        errors = {k: [str(m) for m in (v if isinstance(v, list) else [v])]
                  for k, v in (error.errors or {}).items()}
        return _render_manage(code, errors, request.form.to_dict(), 422)
    except DomainError as error:
        db.rollback()
        if error.status in (401, 403, 404):
            raise
        flash(str(error.message), "error")
        return redirect(url_for("exhibition.manage", code=code) + anchor, 303)
    db.commit()
    flash(success, "success")
    return redirect(url_for("exhibition.manage", code=code) + anchor, 303)


@bp.post("/<code>/kelola")
@login_required
def save_booth(code: str):
    code = _region_code(code)
    data = {k: request.form.get(k, "") for k in ("tagline", "story", "replicate_note")}

    def action(db):
        principal = current_principal()
        booth = services.find_booth(db, code)
        if booth is None:
            services.open_booth(db, principal, code, data)
        else:
            version = request.form.get("version", "")
            services.update_booth(db, principal, code, data,
                                  int(version) if version.isdigit() else None)

    return _form_action(code, action, _("The booth has been saved."))


@bp.post("/<code>/prestasi")
@login_required
def add_achievement(code: str):
    code = _region_code(code)
    upload = request.files.get("image")

    def action(db):
        principal = current_principal()
        services.open_booth(db, principal, code)
        item = services.add_achievement(db, principal, code, request.form.to_dict())
        if upload is not None and upload.filename:
            services.attach_image(db, principal, item.id, upload.read())

    return _form_action(code, action, _("The achievement has been added."),
                        anchor="#achievements")


@bp.post("/<code>/prestasi/<int:achievement_id>/gambar")
@login_required
def replace_image(code: str, achievement_id: int):
    code = _region_code(code)
    upload = request.files.get("image")

    def action(db):
        services.attach_image(db, current_principal(), achievement_id,
                              upload.read() if upload else b"")

    return _form_action(code, action, _("The image has been replaced."), anchor="#achievements")


@bp.post("/<code>/prestasi/<int:achievement_id>/hapus")
@login_required
def delete_achievement(code: str, achievement_id: int):
    code = _region_code(code)
    return _form_action(
        code, lambda db: services.delete_achievement(db, current_principal(), achievement_id),
        _("The achievement has been removed."), anchor="#achievements")


@bp.post("/<code>/ajukan")
@login_required
def submit(code: str):
    code = _region_code(code)
    return _form_action(code, lambda db: services.submit_booth(db, current_principal(), code),
                        _("The booth has been sent for review."))


@bp.post("/<code>/tarik")
@login_required
def unpublish(code: str):
    code = _region_code(code)
    reason = request.form.get("reason", "")
    back = request.form.get("next") == "moderation"
    db = db_session()
    try:
        services.unpublish_booth(db, current_principal(), code, reason)
    except DomainError as error:
        db.rollback()
        if error.status in (401, 403, 404):
            raise
        flash(str(error.message), "error")
    else:
        db.commit()
        flash(_("The booth has been taken out of the exhibition."), "success")
    target = url_for("exhibition.moderation") if back else url_for("exhibition.manage", code=code)
    return redirect(target, 303)


# ---------------------------------------------------------------- moderation


def _render_moderation(errors: dict[str, dict[str, list[str]]] | None = None,
                       values: dict[str, Any] | None = None, status: int = 200):
    queue = services.moderation_queue(db_session(), current_principal())
    return render_template(
        "exhibition/moderation.html",
        pending=[(b, r) for b, r in queue if b.state == "submitted"],
        live=[(b, r) for b, r in queue if b.live and b.state != "submitted"],
        errors=errors or {}, values=values or {},
    ), status


@bp.get("/moderasi")
@login_required
def moderation():
    """The admins' queue of booths waiting for review."""
    return _render_moderation()


def _moderate(code: str, action, success: str):
    db = db_session()
    try:
        action(db)
    except ValidationFailed as error:
        db.rollback()
        errors = {k: [str(m) for m in (v if isinstance(v, list) else [v])]
                  for k, v in (error.errors or {}).items()}
        return _render_moderation({code: errors}, {code: request.form.to_dict()}, 422)
    except DomainError as error:
        db.rollback()
        if error.status in (401, 403, 404):
            raise
        flash(str(error.message), "error")
        return redirect(url_for("exhibition.moderation"), 303)
    db.commit()
    flash(success, "success")
    return redirect(url_for("exhibition.moderation"), 303)


@bp.post("/<code>/setujui")
@login_required
def approve(code: str):
    code = _region_code(code)
    return _moderate(code, lambda db: services.approve_booth(
        db, current_principal(), code, request.form.get("reason", "")),
        _("The booth is now in the exhibition."))


@bp.post("/<code>/tolak")
@login_required
def reject(code: str):
    code = _region_code(code)
    return _moderate(code, lambda db: services.reject_booth(
        db, current_principal(), code, request.form.get("reason", "")),
        _("The booth has been sent back to the region."))


@bp.post("/<code>/terbitkan")
@login_required
def republish(code: str):
    code = _region_code(code)
    return _moderate(code, lambda db: services.republish_booth(db, current_principal(), code),
                     _("The booth is back in the exhibition."))


# ---------------------------------------------------------------- images


@bp.get("/media/<int:image_id>/<variant>.jpg")
def image(image_id: int, variant: str):
    """An achievement image: public when it belongs to a live booth's approved snapshot."""
    if variant not in media.VARIANTS:
        abort(404)
    db = db_session()
    row = db.get(Image, image_id)
    if row is None:
        abort(404)
    public = services.image_is_public(db, row)
    if not public and not services.can_edit(current_principal(), row.region_code):
        abort(404)
    path = media.path_for(row.key, variant)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", etag=row.key + variant,
                         conditional=True, max_age=None)
    response.headers["Cache-Control"] = (
        "public, max-age=86400" if public else "private, no-store")
    return response
