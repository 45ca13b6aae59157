"""Display labels for the codes the matchmaking plugin keeps (statuses, stages, the criteria
of an explanation), translated when shown."""

from __future__ import annotations

from typing import Any

from core.plugin import _l, taxonomy

NEED_STATUS_LABELS = {
    "open": _l("Open for partners"),
    "in_progress": _l("In progress"),
    "closed": _l("Closed"),
}

OFFER_STATUS_LABELS = {
    "published": _l("Published"),
    "withdrawn": _l("Withdrawn"),
}

INTEREST_STATUS_LABELS = {
    "open": _l("Awaiting decision"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "withdrawn": _l("Withdrawn"),
}

STAGE_LABELS = {
    "interest": _l("Interest"),
    "meeting": _l("Meeting"),
    "mou_signed": _l("MoU/PKS signed"),
    "pilot": _l("Pilot"),
    "contract": _l("Contract"),
    "completed": _l("Completed"),
    "stopped": _l("Stopped"),
}

PARTNER_TYPE_LABELS = {code: taxonomy.ORG_TYPE_LABELS[code]
                       for code in ("business", "community", "academia", "media")}

#: The parts of a score, in the order the explanation lists them.
PART_LABELS = {
    "text": _l("Words in common"),
    "dimension": _l("Dimension"),
    "sub_dimension": _l("Sub-dimension"),
    "province": _l("Province served"),
    "budget": _l("Budget"),
    "partner_type": _l("Partner type"),
    "deadline": _l("Deadline"),
}

FEED_SORT_LABELS = {
    "fit": _l("Best fit first"),
    "newest": _l("Newest first"),
    "deadline": _l("Closest deadline first"),
}

NEED_SORT_LABELS = {
    "-created": _l("Newest first"),
    "deadline": _l("Closest deadline first"),
    "title": _l("Title (A–Z)"),
}


def criterion_text(name: str, value: Any) -> tuple[bool | None, Any]:
    """``(met, sentence)`` for one criterion of an explanation: met True, False, or None when
    partly met or unknown."""
    if name == "dimension":
        return bool(value), (_l("The offer serves the need's dimension.") if value
                             else _l("The offer does not serve the need's dimension."))
    if name == "sub_dimension":
        return bool(value), (_l("The offer also serves its sub-dimension.") if value
                             else _l("The offer does not name the need's sub-dimension."))
    if name == "province":
        texts = {
            "served": (True, _l("The organisation serves the need's province.")),
            "national": (True, _l("The organisation works nationally.")),
            "not_served": (False, _l("The organisation does not serve the need's province.")),
        }
        return texts.get(value, (None, str(value)))
    if name == "budget":
        texts = {
            "overlap": (True, _l("The price range fits the budget.")),
            "outside": (False, _l("The price range is outside the budget.")),
            "unknown": (None, _l("The budget or the price is not given.")),
        }
        return texts.get(value, (None, str(value)))
    if name == "partner_type":
        return bool(value), (_l("The region looks for this type of partner.") if value
                             else _l("The region looks for other types of partner."))
    if name == "deadline":
        texts = {
            "none": (True, _l("No deadline.")),
            "open": (True, _l("More than a week left before the deadline.")),
            "soon": (None, _l("The deadline is less than a week away.")),
            "passed": (False, _l("The deadline has passed.")),
        }
        return texts.get(value, (None, str(value)))
    return None, str(value)


CRITERIA_ORDER = ("dimension", "sub_dimension", "province", "budget", "partner_type", "deadline")


def explain(explanation: dict[str, Any], weights: dict[str, float]) -> dict[str, Any]:
    """A stored explanation made readable: the matched terms, each criterion as a sentence,
    and each score part as points out of its weight (100 points in all with the default
    weights)."""
    criteria = explanation.get("criteria") or {}
    parts = explanation.get("parts") or {}
    total = sum(weights.values()) or 1.0
    rows = []
    for name in CRITERIA_ORDER:
        if name in criteria:
            met, sentence = criterion_text(name, criteria[name])
            rows.append({"name": name, "met": met, "text": sentence})
    points = [
        {"name": name, "label": PART_LABELS.get(name, name),
         "points": round(100 * float(parts.get(name, 0.0)) / total),
         "max": round(100 * float(weights.get(name, 0.0)) / total)}
        for name in PART_LABELS if name in parts or name in weights
    ]
    score = sum(float(v) for v in parts.values())
    return {
        "terms": list(explanation.get("matched_terms") or []),
        "criteria": rows,
        "points": points,
        "percent": max(0, min(100, round(100 * score / total))),
    }
