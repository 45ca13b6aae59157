"""External indicators per region and year (IPM, poverty rate, …) imported from CSV.

The file has a header ``region_code,year,indicator,value[,source]``. Every row is checked and
reported; valid rows are upserted (a re-import replaces values), unless ``dry_run``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.plugin import Principal, ValidationFailed, _l, directory, utcnow
from plugins.evaluation.models import ExternalIndicator
from plugins.evaluation.services import require_admin

REQUIRED_COLUMNS = ("region_code", "year", "indicator", "value")
#: Known indicators and their valid ranges; other keys are accepted with any finite value.
KNOWN_RANGES = {
    "ipm": (0.0, 100.0),
    "poverty_rate": (0.0, 100.0),
    "open_unemployment_rate": (0.0, 100.0),
    "gini_ratio": (0.0, 1.0),
    "internet_penetration": (0.0, 100.0),
}
MAX_ROWS = 100_000
YEAR_RE = re.compile(r"-?[0-9]{1,30}")


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    created: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "imported": self.imported, "created": self.created,
                "updated": self.updated, "rejected": len(self.errors),
                "errors": [{**e, "messages": [str(m) for m in e["messages"]]}
                           for e in self.errors[:500]],
                "dry_run": self.dry_run}


def read_rows(data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(errors={"file": [_l("The file must be UTF-8 text (CSV).")]})\
            from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise ValidationFailed(errors={"file": [_l(
                "The header must name the columns region_code, year, indicator, value "
                "(missing: %(cols)s).", cols=", ".join(missing))]})
        # extra cells land under the key None (ignored), missing ones are None
        rows = [{k.strip().lower(): (v or "").strip() for k, v in row.items()
                 if isinstance(k, str) and isinstance(v, str | None)}
                for row in reader]
    except csv.Error as error:
        raise ValidationFailed(errors={"file": [_l(
            "The file is not a readable CSV (line %(line)s).", line=reader.line_num)]}) \
            from error
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(errors={"file": [_l("At most %(n)s rows per file.", n=MAX_ROWS)]})
    return rows


def import_indicators(session: Session, actor: Principal | None, data: bytes, *,
                      dry_run: bool = False,
                      progress: Callable[[int], Any] | None = None) -> ImportReport:
    """Validate every row and upsert the valid ones; returns the validation report."""
    require_admin(actor)
    rows = read_rows(data)
    report = ImportReport(rows=len(rows), dry_run=dry_run)
    known_regions = {r.code for r in directory.list_regions(session)}
    existing = {(e.region_code, e.year, e.key): e for e in session.scalars(
        select(ExternalIndicator))}
    seen: dict[tuple[str, int, str], int] = {}
    for line, row in enumerate(rows, start=2):
        problems = []
        code = row.get("region_code", "")
        key = row.get("indicator", "").lower().replace(" ", "_")
        if code not in known_regions:
            problems.append(_l("unknown region code '%(code)s'", code=code[:20]))
        raw_year = row.get("year", "")
        year = int(raw_year) if YEAR_RE.fullmatch(raw_year) else 0
        if not YEAR_RE.fullmatch(raw_year):
            problems.append(_l("year '%(value)s' is not a whole number", value=raw_year[:20]))
        elif not 2000 <= year <= 2100:
            problems.append(_l("year %(year)s outside 2000–2100", year=year))
        if not key or len(key) > 40:
            problems.append(_l("indicator name missing or longer than 40 characters"))
        raw_value = row.get("value", "")
        try:
            value = float(raw_value.replace(",", "."))
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
        except ValueError:
            value = 0.0
            problems.append(_l("value '%(value)s' is not a number", value=raw_value[:20]))
        else:
            low, high = KNOWN_RANGES.get(key, (float("-inf"), float("inf")))
            if not low <= value <= high:
                problems.append(_l("%(key)s value %(value)s outside %(low)s–%(high)s", key=key,
                                   value=f"{value:g}", low=f"{low:g}", high=f"{high:g}"))
        ident = (code, year, key)
        if not problems and ident in seen:
            problems.append(_l("duplicate of line %(line)s", line=seen[ident]))
        if problems:
            report.errors.append({"line": line, "region_code": code, "messages": problems})
        else:
            seen[ident] = line
            report.imported += 1
            current = existing.get(ident)
            if current is None:
                report.created += 1
                if not dry_run:
                    current = ExternalIndicator(region_code=code, year=year, key=key,
                                                value=value, source=row.get("source", "")[:200])
                    session.add(current)
                    existing[ident] = current
            else:
                report.updated += 1
                if not dry_run:
                    current.value = value
                    current.source = row.get("source", "")[:200]
                    current.updated_at = utcnow()
        if progress:
            progress(1)
    session.flush()
    return report


def list_indicators(session: Session, *, region: str | None = None, year: int | None = None):
    """The statement listing external indicators (for pagination)."""
    stmt = select(ExternalIndicator).order_by(ExternalIndicator.region_code,
                                              ExternalIndicator.year.desc(),
                                              ExternalIndicator.key)
    if region:
        stmt = stmt.where(ExternalIndicator.region_code == region)
    if year:
        stmt = stmt.where(ExternalIndicator.year == year)
    return stmt
