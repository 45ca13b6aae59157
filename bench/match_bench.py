"""Matchmaking benchmark: time to compute the matches of a new need against 10k and 100k
synthetic offers with the in-memory index, next to brute-force scoring of every offer in the
same run, and the index's memory.

    .venv/bin/python bench/match_bench.py [--sizes 10000 100000] [--queries 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
import tracemalloc
from pathlib import Path
from typing import Any

from plugins.matchmaking import engine
from tests.plugins.matchmaking.relevance.evaluate import load, need_doc

PROVINCES = ["11", "12", "31", "32", "33", "34", "35", "36", "51", "52", "61", "64", "71", "73"]
TYPES = ["business", "community", "academia", "media"]


def synthetic_offers(count: int, seed: int = 7) -> list[engine.OfferDoc]:
    """Offers whose sentences are recombined from the relevance set (realistic vocabulary)."""
    rng = random.Random(seed)
    base = load()["offers"]
    sentences = [s.strip() for o in base for s in o["description"].split(",") if s.strip()]
    titles = [o["title"] for o in base]
    offers = []
    for i in range(count):
        src = rng.choice(base)
        description = ", ".join(rng.sample(sentences, 3))
        offers.append(engine.make_offer(
            id=i + 1, organisation_id=1 + i // 3, org_type=rng.choice(TYPES),
            title=f"{rng.choice(titles)} {i}", description=description,
            dimensions=frozenset(src["dimensions"]),
            sub_dimensions=frozenset(src["sub_dimensions"]),
            provinces=frozenset(rng.sample(PROVINCES, 2)), national=rng.random() < 0.2,
            price_min=src["price_min"], price_max=src["price_max"]))
    return offers


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(size: int, queries: int, brute_queries: int) -> dict[str, Any]:
    offers = synthetic_offers(size)
    tracemalloc.start()
    started = time.perf_counter()
    index = engine.TermIndex()
    for offer in offers:
        index.add(offer)
    build = time.perf_counter() - started
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    needs = [need_doc(n) for n in load()["needs"]]
    today = dt.date(2026, 1, 1)
    for need in needs[:3]:  # warm the per-term arrays like a running worker
        engine.rank_offers(need, index, engine.DEFAULT_WEIGHTS, today=today)
    timings = []
    for i in range(queries):
        need = needs[i % len(needs)]
        t0 = time.perf_counter()
        engine.rank_offers(need, index, engine.DEFAULT_WEIGHTS, today=today, top_n=20)
        timings.append((time.perf_counter() - t0) * 1000)
    brute = []
    for i in range(brute_queries):
        need = needs[i % len(needs)]
        t0 = time.perf_counter()
        engine.brute_force(need, index, engine.DEFAULT_WEIGHTS, today=today, top_n=20)
        brute.append((time.perf_counter() - t0) * 1000)
    return {
        "offers": size, "build_s": build, "memory_mb": memory / 1e6,
        "median_ms": statistics.median(timings), "p95_ms": percentile(timings, 0.95),
        "brute_median_ms": statistics.median(brute), "brute_p95_ms": percentile(brute, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--brute-queries", type=int, default=5)
    args = parser.parse_args()
    rows = [run(size, args.queries, args.brute_queries) for size in args.sizes]
    print("| offers | index median (ms) | index p95 (ms) | brute force median (ms) | "
          "brute force p95 (ms) | speed-up | index memory (MB) | build (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['offers']:,} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
              f"{r['brute_median_ms']:.0f} | {r['brute_p95_ms']:.0f} | "
              f"{r['brute_median_ms'] / r['median_ms']:.0f}× | {r['memory_mb']:.0f} | "
              f"{r['build_s']:.1f} |")
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        growth = (b["median_ms"] / a["median_ms"]) / (b["offers"] / a["offers"])
        print(f"\nGrowth of the median from {a['offers']:,} to {b['offers']:,} offers: "
              f"{b['median_ms'] / a['median_ms']:.1f}× for {b['offers'] / a['offers']:.0f}× "
              f"the offers ({growth:.2f} of linear).")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
