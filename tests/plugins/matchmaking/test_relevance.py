"""The engine beats a plain BM25 baseline on the labelled relevance set (nDCG@10)."""

from __future__ import annotations

from tests.plugins.matchmaking.relevance.evaluate import evaluate, load, ndcg


def test_the_set_is_big_enough_and_bilingual() -> None:
    data = load()
    assert len(data["needs"]) >= 30
    assert {n["lang"] for n in data["needs"]} == {"id", "en"}
    assert all(n["relevant"] for n in data["needs"])


def test_ndcg_is_computed_correctly() -> None:
    assert ndcg([1, 2, 3], {1: 2, 2: 1}) == 1.0
    assert ndcg([3, 2, 1], {1: 2, 2: 1}) < 1.0
    assert ndcg([9], {1: 2}) == 0.0


def test_engine_beats_plain_bm25() -> None:
    scores = evaluate()
    assert scores["engine"] > scores["baseline"] + 0.05, scores
    assert scores["engine_en"] > scores["baseline_en"], scores
    assert scores["engine_id"] > scores["baseline_id"], scores


def test_the_demo_marker_is_not_content() -> None:
    from plugins.matchmaking import engine

    plain = engine.make_need(id=1, region_code="32.73", province_code="32",
                             title="Sistem peringatan dini banjir", description="Sensor sungai.",
                             dimension="environment")
    marked = engine.make_need(id=2, region_code="32.73", province_code="32",
                              title="[Demo] Sistem peringatan dini banjir",
                              description="Sensor sungai.", dimension="environment")
    assert marked.terms == plain.terms
    assert "demo" not in engine.need_words_of(marked).values()
