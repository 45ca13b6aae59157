"""Display labels for values that the domain keeps as codes (statuses, actions, roles)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import taxonomy

PLAN_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "revision_requested": _l("Revision requested"),
    "resubmitted": _l("Resubmitted"),
    "approved": _l("Approved"),
}

#: What the region's officers should do next, per plan status.
PLAN_NEXT_STEP = {
    "draft": _l("Complete the plan and submit it for review."),
    "submitted": _l("Waiting for the ministry's review."),
    "revision_requested": _l("Revise the plan as asked and resubmit it."),
    "resubmitted": _l("Waiting for the ministry's review of the revision."),
    "approved": _l("Approved: carry out the programmes."),
}

PLAN_ACTION_LABELS = {
    "create": _l("Draft created"),
    "submit": _l("Submitted for review"),
    "resubmit": _l("Resubmitted after revision"),
    "approve": _l("Approved"),
    "request_revision": _l("Revision requested"),
}

MEMBER_ROLE_LABELS = {"member": _l("Member"), "admin": _l("Organisation admin")}

PRINCIPAL_KIND_LABELS = {
    "admin": _l("Administrator"),
    "evaluator": _l("Assessor"),
    "officer": _l("Region officer"),
    "partner": _l("Partner"),
    "user": _l("User"),
}

PROFILE_FIELD_LABELS = {
    "name": _l("Name"),
    "about": _l("About the organisation"),
    "capabilities": _l("Capabilities"),
    "dimensions": _l("Smart city dimensions"),
    "provinces_served": _l("Provinces served"),
    "website": _l("Website"),
}


# ---------------------------------------------------------------- option lists for <select>


def cohort_options() -> list[tuple[str, str]]:
    return [(str(year), str(year)) for year in taxonomy.COHORT_YEARS]


def stage_options() -> list[tuple[str, object]]:
    return [(code, taxonomy.STAGE_LABELS[code]) for code in taxonomy.STAGES]


def horizon_options() -> list[tuple[str, object]]:
    return [(code, taxonomy.HORIZON_LABELS[code]) for code in taxonomy.HORIZONS]


def programme_status_options() -> list[tuple[str, object]]:
    return [(code, taxonomy.PROGRAMME_STATUS_LABELS[code]) for code in taxonomy.PROGRAMME_STATUSES]


def dimension_options() -> list[tuple[str, object]]:
    return [(code, taxonomy.DIMENSION_LABELS[code]) for code in taxonomy.DIMENSIONS]


def org_type_options(types: tuple[str, ...] = taxonomy.ORG_TYPES) -> list[tuple[str, object]]:
    return [(code, taxonomy.ORG_TYPE_LABELS[code]) for code in types]


def role_options() -> list[tuple[str, object]]:
    return list(MEMBER_ROLE_LABELS.items())
