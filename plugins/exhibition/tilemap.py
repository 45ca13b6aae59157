"""A tile-grid map of Indonesia's 38 provinces: one square per province, placed by hand to
approximate the archipelago (Sumatra to the west, Java and Nusa Tenggara along the south,
Kalimantan, Sulawesi and Maluku in the middle, Papua to the east). Drawn as SVG; each tile
links to the hall filtered by its province."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

#: province code -> (ISO 3166-2:ID abbreviation, column, row)
TILES: dict[str, tuple[str, int, int]] = {
    "11": ("AC", 0, 0), "12": ("SU", 1, 1), "14": ("RI", 2, 1), "21": ("KR", 3, 1),
    "13": ("SB", 1, 2), "15": ("JA", 2, 2), "17": ("BE", 2, 3), "16": ("SS", 3, 3),
    "19": ("BB", 4, 3), "18": ("LA", 3, 4),
    "31": ("JK", 5, 4), "36": ("BT", 4, 5), "32": ("JB", 5, 5), "33": ("JT", 6, 5),
    "34": ("YO", 6, 6), "35": ("JI", 7, 5), "51": ("BA", 8, 5), "52": ("NB", 9, 5),
    "53": ("NT", 10, 5),
    "65": ("KU", 7, 1), "61": ("KB", 5, 2), "62": ("KT", 6, 2), "64": ("KI", 7, 2),
    "63": ("KS", 7, 3),
    "75": ("GO", 10, 1), "71": ("SA", 11, 1), "72": ("ST", 9, 2), "76": ("SR", 8, 3),
    "73": ("SN", 8, 4), "74": ("SG", 9, 4),
    "82": ("MU", 12, 1), "81": ("MA", 12, 3),
    "96": ("PD", 13, 2), "92": ("PB", 14, 2), "91": ("PA", 16, 2), "94": ("PT", 15, 3),
    "95": ("PP", 16, 3), "93": ("PS", 16, 4),
}

TILE, GAP = 46, 5
COLUMNS = 1 + max(c for _a, c, _r in TILES.values())
ROWS = 1 + max(r for _a, _c, r in TILES.values())


@dataclass(frozen=True)
class TileValue:
    """What a tile shows: a level 0–5 for its colour, a short figure and a sentence."""

    level: int
    figure: str
    sentence: str


def render(values: dict[str, TileValue], names: dict[str, str], *, ident: str, title: str,
           desc: str, href: Callable[[str], str], selected: str | None = None) -> Markup:
    """The map as SVG; ``values`` by province code, ``names`` the provinces' names."""
    step = TILE + GAP
    width, height = COLUMNS * step - GAP, ROWS * step - GAP
    parts = [
        f'<svg class="tilemap" viewBox="0 0 {width} {height}" role="group" '
        f'aria-labelledby="{ident}-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title><desc>{escape(desc)}</desc>'
    ]
    for code, (abbr, col, row) in TILES.items():
        value = values.get(code, TileValue(0, "0", ""))
        x, y = col * step, row * step
        name = names.get(code, code)
        current = " is-selected" if code == selected else ""
        label = f"{name}: {value.sentence}" if value.sentence else name
        parts.append(
            f'<a href="{escape(href(code))}" class="tile lvl-{value.level}{current}" '
            f'aria-label="{escape(label)}">'
            f'<title>{escape(label)}</title>'
            f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="7"/>'
            f'<text class="tile-abbr" x="{x + TILE / 2}" y="{y + 20}" '
            f'text-anchor="middle">{abbr}</text>'
            f'<text class="tile-figure" x="{x + TILE / 2}" y="{y + 36}" '
            f'text-anchor="middle">{escape(value.figure)}</text></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
