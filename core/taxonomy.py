"""The programme's fixed vocabularies: six dimensions × three sub-dimensions, cohorts, stages.

Labels are lazy translations so they render in the reader's language.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DIMENSIONS: dict[str, tuple[str, ...]] = {
    "governance": ("public_service", "public_policy", "bureaucracy"),
    "branding": ("tourism", "business", "city_appearance"),
    "economy": ("industry", "welfare", "transaction"),
    "living": ("harmony", "health", "mobility"),
    "society": ("community", "learning_ecosystem", "security"),
    "environment": ("protection", "waste", "energy"),
}

SUB_DIMENSIONS: dict[str, str] = {sub: dim for dim, subs in DIMENSIONS.items() for sub in subs}

DIMENSION_LABELS = {
    "governance": _l("Smart Governance"),
    "branding": _l("Smart Branding"),
    "economy": _l("Smart Economy"),
    "living": _l("Smart Living"),
    "society": _l("Smart Society"),
    "environment": _l("Smart Environment"),
}

SUB_DIMENSION_LABELS = {
    "public_service": _l("Public service"),
    "public_policy": _l("Public policy"),
    "bureaucracy": _l("Bureaucracy"),
    "tourism": _l("Tourism"),
    "business": _l("Business"),
    "city_appearance": _l("City appearance"),
    "industry": _l("Industry"),
    "welfare": _l("Welfare"),
    "transaction": _l("Transaction"),
    "harmony": _l("Harmony"),
    "health": _l("Health"),
    "mobility": _l("Mobility"),
    "community": _l("Community"),
    "learning_ecosystem": _l("Learning ecosystem"),
    "security": _l("Security"),
    "protection": _l("Protection"),
    "waste": _l("Waste"),
    "energy": _l("Energy"),
}

COHORT_YEARS: tuple[int, ...] = (2017, 2018, 2019, 2021, 2022, 2023)

STAGES: tuple[str, ...] = (
    "selected",
    "mou_signed",
    "technical_guidance",
    "master_plan",
    "implementation",
    "evaluated",
)

STAGE_LABELS = {
    "selected": _l("Selected"),
    "mou_signed": _l("MoU signed"),
    "technical_guidance": _l("Technical guidance"),
    "master_plan": _l("Master plan"),
    "implementation": _l("Implementation"),
    "evaluated": _l("Evaluated"),
}

ORG_TYPES: tuple[str, ...] = ("government", "business", "community", "academia", "media")

ORG_TYPE_LABELS = {
    "government": _l("Government"),
    "business": _l("Business"),
    "community": _l("Community"),
    "academia": _l("Academia"),
    "media": _l("Media"),
}

HORIZONS: tuple[str, ...] = ("short", "medium", "long")
HORIZON_LABELS = {"short": _l("Short term"), "medium": _l("Medium term"), "long": _l("Long term")}

PROGRAMME_STATUSES: tuple[str, ...] = ("planned", "ongoing", "completed", "cancelled")
PROGRAMME_STATUS_LABELS = {
    "planned": _l("Planned"),
    "ongoing": _l("Ongoing"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}

REGION_KIND_LABELS = {"kota": _l("City"), "kabupaten": _l("Regency")}
