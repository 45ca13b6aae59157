"""nDCG@10 of the matching engine and of a plain BM25 baseline on the labelled relevance set.

``relevance_set.json``: 32 offers and 34 needs (Indonesian and English) from the field —
e-government services, waste, flood early warning, parking, telemedicine, tourism branding,
UMKM digitalisation, street lighting, water quality, CCTV, buses, … Each need lists the
offers a reviewer judged relevant: 2 = solves the need and can serve the region, 1 = related
or partly fitting (another hazard, another area served, a study rather than a system).

Run ``python -m tests.plugins.matchmaking.relevance.evaluate`` to print the figures.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

from plugins.matchmaking import engine

SET = Path(__file__).with_name("relevance_set.json")
K = 10


def load() -> dict[str, Any]:
    return json.loads(SET.read_text(encoding="utf-8"))


def ndcg(ranked: list[int], grades: dict[int, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def offer_index(data: dict[str, Any]) -> engine.TermIndex:
    index = engine.TermIndex()
    for o in data["offers"]:
        index.add(engine.make_offer(
            id=o["id"], organisation_id=1000 + o["id"], org_type=o["org_type"],
            title=o["title"], description=o["description"],
            dimensions=frozenset(o["dimensions"]), sub_dimensions=frozenset(o["sub_dimensions"]),
            provinces=frozenset(o["provinces"]), national=o["national"],
            price_min=o["price_min"], price_max=o["price_max"]))
    return index


def need_doc(n: dict[str, Any]) -> engine.NeedDoc:
    return engine.make_need(
        id=n["id"], region_code=n["region_code"], province_code=n["province_code"],
        title=n["title"], description=n["description"], dimension=n["dimension"],
        sub_dimension=n["sub_dimension"], budget_min=n["budget_min"],
        budget_max=n["budget_max"], partner_types=frozenset(n["partner_types"]))


def evaluate() -> dict[str, float]:
    """Mean nDCG@10 of both rankers over every need (and per language)."""
    data = load()
    index = offer_index(data)
    plain = [(o["id"], f"{o['title']} {o['description']}") for o in data["offers"]]
    today = dt.date(2026, 1, 1)
    scores: dict[str, list[float]] = {"engine": [], "baseline": [], "engine_id": [],
                                      "engine_en": [], "baseline_id": [], "baseline_en": []}
    for n in data["needs"]:
        grades = {int(k): v for k, v in n["relevant"].items()}
        ranked = [s.offer_id for s in engine.rank_offers(
            need_doc(n), index, engine.DEFAULT_WEIGHTS, today=today, top_n=K)]
        base = engine.baseline_rank(f"{n['title']} {n['description']}", plain, K)
        for name, value in (("engine", ndcg(ranked, grades)), ("baseline", ndcg(base, grades))):
            scores[name].append(value)
            scores[f"{name}_{n['lang']}"].append(value)
    return {name: round(sum(v) / len(v), 4) for name, v in scores.items() if v}


if __name__ == "__main__":
    data = load()
    print(f"{len(data['needs'])} needs, {len(data['offers'])} offers")
    for name, value in evaluate().items():
        print(f"{name:12s} nDCG@{K} = {value:.3f}")
