"""Jinja filters that format numbers, money, areas and dates in the reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal


def idr(amount: int | None) -> str:
    """Rupiah with the locale's digit grouping: ``Rp 4.500.000.000`` (id), ``Rp 4,500,000,000``."""
    if amount is None:
        return "—"
    return f"Rp {format_decimal(int(amount))}"


def number(value: int | float | None) -> str:
    """A whole number with digit grouping, or an em dash when unknown."""
    if value is None:
        return "—"
    return format_decimal(value)


def area(km2: float | None) -> str:
    """An area in square kilometres with one decimal: ``167,7 km²``."""
    if km2 is None:
        return "—"
    return f"{format_decimal(km2, format='#,##0.#')} km²"


def density(population: int | None, km2: float | None) -> str:
    """Inhabitants per square kilometre, or an em dash when unknown."""
    if not population or not km2:
        return "—"
    return f"{format_decimal(round(population / km2))}/km²"


def when(value: dt.datetime | None) -> str:
    """Date and time in the configured timezone (Asia/Jakarta)."""
    return format_datetime(value, "medium") if value else "—"


def day(value: dt.datetime | dt.date | None) -> str:
    """A date alone, e.g. ``29 Nov 2026``."""
    return format_date(value, "medium") if value else "—"


def budget_input(amount: Any) -> str:
    """How a stored budget appears in an input: digits grouped like the locale does."""
    if amount in (None, ""):
        return ""
    try:
        return format_decimal(int(amount))
    except (TypeError, ValueError):
        return str(amount)


FILTERS = {
    "idr": idr,
    "number": number,
    "area": area,
    "when": when,
    "day": day,
    "budget_input": budget_input,
}


def init_filters(app: Flask) -> None:
    for name, function in FILTERS.items():
        app.add_template_filter(function, name)
    app.add_template_global(density, "density")
