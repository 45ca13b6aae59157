"""The master plan editor's form: plan fields plus a table of programme rows, without JS.

Rows are numbered inputs (``p-3-title``); ``rows`` says how many were rendered. Blank rows are
ignored and rows whose "remove" box is ticked are dropped, so adding and removing programmes
needs no script. Errors are keyed by input id so that they appear beside the right cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from core.errors import DomainError
from core.plans.models import MasterPlan
from core.plans.services import MAX_PROGRAMMES
from core.taxonomy import SUB_DIMENSIONS
from core.web import forms
from core.web.formatting import budget_input

PLAN_FIELDS = ("title", "period_start", "period_end", "vision", "readiness_notes")
ROW_FIELDS = ("title", "description", "sub_dimension", "horizon", "quick_win", "budget_idr",
              "status")
EMPTY_ROWS = 3  # blank rows below the programmes, to add new ones
MORE_ROWS = 5  # blank rows added by "add more rows"
MAX_ROWS = MAX_PROGRAMMES + 50


def row_field(index: int, name: str) -> str:
    """The input id/name of a cell: ``p-3-title``."""
    return f"p-{index}-{name}"


@dataclass
class ProgrammeRow:
    """One row of the editor as the inputs show it (text values, not parsed)."""

    values: dict[str, Any]
    remove: bool = False

    @property
    def blank(self) -> bool:
        return not any(
            str(self.values.get(name) or "").strip()
            for name in ("title", "description", "sub_dimension", "budget_idr")
        )


def empty_row() -> ProgrammeRow:
    return ProgrammeRow({"title": "", "description": "", "sub_dimension": "", "horizon": "short",
                         "quick_win": False, "budget_idr": "", "status": "planned"})


def rows_from_plan(plan: MasterPlan, extra: int = EMPTY_ROWS) -> list[ProgrammeRow]:
    """The saved programmes as rows, followed by ``extra`` blank rows."""
    rows = [
        ProgrammeRow({
            "title": p.title, "description": p.description, "sub_dimension": p.sub_dimension,
            "horizon": p.horizon, "quick_win": p.quick_win,
            "budget_idr": budget_input(p.budget_idr), "status": p.status,
        })
        for p in plan.programmes
    ]
    return rows + [empty_row() for _ in range(extra)]


def rows_from_form(form: Mapping[str, Any]) -> list[ProgrammeRow]:
    """The rows as posted (at most ``MAX_ROWS``), in their order."""
    count = forms.whole_number(form.get("rows")) or 0
    rows = []
    for index in range(min(count, MAX_ROWS)):
        values = {name: forms.text(form, row_field(index, name), 5000) for name in ROW_FIELDS}
        values["title"] = values["title"][:200]
        values["horizon"] = values["horizon"] or "short"
        values["status"] = values["status"] or "planned"
        values["quick_win"] = forms.checked(form, row_field(index, "quick_win"))
        rows.append(ProgrammeRow(values, remove=forms.checked(form, row_field(index, "remove"))))
    return rows


def plan_values(plan: MasterPlan) -> dict[str, Any]:
    """The plan fields as the inputs show them."""
    return {name: getattr(plan, name) for name in PLAN_FIELDS} | {"version": plan.version}


@dataclass
class PlanForm:
    """A posted plan form: what to show again, what to give the service, and the errors."""

    values: dict[str, Any]
    rows: list[ProgrammeRow] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    programmes: list[dict[str, Any]] = field(default_factory=list)
    row_of: list[int] = field(default_factory=list)  # service index → row index
    errors: forms.FormErrors = field(default_factory=forms.FormErrors)

    def field_for(self, key: str) -> str | None:
        """The input id for a service error key (``programmes.2.title`` → ``p-5-title``)."""
        parts = key.split(".")
        if parts[0] == "programmes" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            name = "sub_dimension" if parts[2] == "dimension" else parts[2]
            if index < len(self.row_of):
                return row_field(self.row_of[index], name)
        if parts[0] in ("programmes", "quick_wins"):
            return "programmes"
        return parts[0] or None

    def add_service_error(self, error: DomainError) -> None:
        """Add a service's messages, except on inputs that already show a form message."""
        already = set(self.errors.fields)
        self.errors.add_domain_error(
            error, lambda key: None if self.field_for(key) in already else self.field_for(key)
        )
        self.errors.fields.pop("", None)


def parse_plan_fields(form: Mapping[str, Any], errors: forms.FormErrors) -> tuple[dict, dict]:
    """``(values, data)`` for the plan fields; unreadable years are left out of ``data``."""
    values = {
        "title": forms.text(form, "title", 200),
        "period_start": forms.text(form, "period_start", 20),
        "period_end": forms.text(form, "period_end", 20),
        "vision": forms.text(form, "vision"),
        "readiness_notes": forms.text(form, "readiness_notes"),
    }
    data: dict[str, Any] = {k: values[k] for k in ("title", "vision", "readiness_notes")}
    for name in ("period_start", "period_end"):
        number = forms.year(form, name, errors)
        if number is not None:
            data[name] = number
    return values, data


def parse_editor(form: Mapping[str, Any]) -> PlanForm:
    """Read the whole editor form; messages for unreadable input go into ``errors``."""
    parsed = PlanForm(values={})
    parsed.values, parsed.data = parse_plan_fields(form, parsed.errors)
    parsed.values["version"] = forms.version(form)
    parsed.rows = rows_from_form(form)
    for index, row in enumerate(parsed.rows):
        if row.remove or row.blank:
            continue
        values = row.values
        sub = values["sub_dimension"]
        if sub not in SUB_DIMENSIONS:
            parsed.errors.add(row_field(index, "sub_dimension"),
                              _("Choose the dimension and sub-dimension."))
        budget = 0 if not values["budget_idr"] else forms.whole_number(values["budget_idr"])
        if budget is None:
            parsed.errors.add(
                row_field(index, "budget_idr"),
                _("Enter the budget as a whole number of rupiah, for example 4.500.000.000."),
            )
        parsed.programmes.append({
            "title": values["title"],
            "description": values["description"],
            "dimension": SUB_DIMENSIONS.get(sub),
            "sub_dimension": sub or None,
            "horizon": values["horizon"],
            "quick_win": bool(values["quick_win"]),
            "budget_idr": budget or 0,
            "status": values["status"],
        })
        parsed.row_of.append(index)
    return parsed
