"""Charts drawn on the server as inline SVG: readable without JavaScript, styled by classes
(the Content-Security-Policy forbids inline styles), each with a title and description for
screen readers; pages also print the figures as text or a table next to each chart."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from core.plugin import taxonomy


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, ident: str, title: str, desc: str, body: list[str],
         css_class: str) -> Markup:
    head = (
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def radar(values: dict[str, float], *, ident: str, title: str, labels: dict[str, str],
          compare: dict[str, float] | None = None, compare_label: str = "") -> Markup:
    """Six dimensions on six axes, 0–100; optionally a second polygon (e.g. the national
    average) drawn beneath."""
    keys = list(taxonomy.DIMENSIONS)
    size, cx, cy, radius = 360, 180, 192, 116

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + index * 2 * math.pi / len(keys)
        r = radius * max(0.0, min(100.0, value)) / 100
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    body: list[str] = []
    for ring in (20, 40, 60, 80, 100):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(len(keys))))
        body.append(f'<polygon class="radar-ring" points="{pts}"/>')
    for i, key in enumerate(keys):
        x, y = point(i, 100)
        body.append(f'<line class="radar-axis" x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}"/>')
        lx, ly = point(i, 126)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        value = values.get(key)
        shown = _fmt(value) if value is not None else "–"
        top = ly < cy - radius
        body.append(
            f'<text class="radar-label dimfill-{key}" x="{lx:.1f}" '
            f'y="{ly - (16 if top else 0):.1f}" text-anchor="{anchor}" '
            f'dominant-baseline="middle">{escape(labels.get(key, key))}'
            f'<tspan class="radar-value" x="{lx:.1f}" dy="1.2em">{shown}</tspan></text>'
        )
    for ring in (50, 100):
        _x, y = point(0, ring)
        body.append(f'<text class="radar-tick" x="{cx + 4}" y="{y + 11:.1f}">{ring}</text>')
    if compare:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in
                       (point(i, compare.get(k, 0)) for i, k in enumerate(keys)))
        body.append(f'<polygon class="radar-compare" points="{pts}"/>')
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in
                   (point(i, values.get(k, 0)) for i, k in enumerate(keys)))
    body.append(f'<polygon class="radar-area" points="{pts}"/>')
    for i, key in enumerate(keys):
        x, y = point(i, values.get(key, 0))
        body.append(f'<circle class="radar-dot" cx="{x:.1f}" cy="{y:.1f}" r="4"/>')
    desc = "; ".join(
        f"{labels.get(k, k)}: {_fmt(values[k]) if k in values else '–'}" for k in keys
    )
    if compare:
        desc += f". {compare_label}: " + "; ".join(
            f"{labels.get(k, k)} {_fmt(compare.get(k, 0))}" for k in keys)
    return _svg(size, size + 4, ident, title, desc, body, "chart chart-radar")


def trend(points: Sequence[tuple[int, float]], *, ident: str, title: str) -> Markup:
    """A line of the index across evaluation cycles (0–100)."""
    width, height, left, right, top, bottom = 520, 250, 40, 24, 30, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    body: list[str] = []
    for tick in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - tick / 100)
        body.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" '
                    f'y2="{y:.1f}"/>')
        body.append(f'<text class="tick" x="{left - 8}" y="{y + 4:.1f}" '
                    f'text-anchor="end">{tick}</text>')
    n = len(points)
    coords = []
    for i, (year, value) in enumerate(points):
        x = left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))
        y = top + plot_h * (1 - max(0.0, min(100.0, value)) / 100)
        coords.append((x, y, year, value))
    if n > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _yr, _v in coords)
        area = f"{coords[0][0]:.1f},{top + plot_h} {line} {coords[-1][0]:.1f},{top + plot_h}"
        body.append(f'<polygon class="trend-area" points="{area}"/>')
        body.append(f'<polyline class="trend-line" points="{line}"/>')
    for x, y, year, value in coords:
        body.append(f'<circle class="trend-dot" cx="{x:.1f}" cy="{y:.1f}" r="5"/>')
        body.append(f'<text class="trend-value" x="{x:.1f}" y="{y - 10:.1f}" '
                    f'text-anchor="middle">{_fmt(value)}</text>')
        body.append(f'<text class="tick" x="{x:.1f}" y="{height - 10}" '
                    f'text-anchor="middle">{year}</text>')
    desc = "; ".join(f"{year}: {_fmt(value)}" for year, value in points)
    return _svg(width, height, ident, title, desc, body, "chart chart-trend")


def columns(items: Sequence[tuple[str, int]], *, ident: str, title: str,
            css_class: str = "") -> Markup:
    """Vertical bars with their value on top and the label beneath."""
    width, height, top, bottom = 520, 220, 26, 30
    n = max(1, len(items))
    slot = width / n
    peak = max([v for _k, v in items] + [1])
    body: list[str] = []
    body.append(f'<line class="axis" x1="0" y1="{height - bottom}" x2="{width}" '
                f'y2="{height - bottom}"/>')
    for i, (label, value) in enumerate(items):
        bar_h = (height - top - bottom) * value / peak
        x = i * slot + slot * 0.18
        y = height - bottom - bar_h
        body.append(f'<rect class="bar bar-{i % 6}" x="{x:.1f}" y="{y:.1f}" '
                    f'width="{slot * 0.64:.1f}" height="{bar_h:.1f}" rx="4"/>')
        body.append(f'<text class="bar-value" x="{x + slot * 0.32:.1f}" y="{y - 7:.1f}" '
                    f'text-anchor="middle">{value}</text>')
        body.append(f'<text class="tick" x="{x + slot * 0.32:.1f}" y="{height - 10}" '
                    f'text-anchor="middle">{escape(label)}</text>')
    desc = "; ".join(f"{label}: {value}" for label, value in items)
    return _svg(width, height, ident, title, desc, body, f"chart chart-columns {css_class}")
