"""The matching engine: BM25 text relevance over stemmed concept tokens, held in an in-memory
inverted index (numpy arrays per term), combined with structured fit. Pure functions and
plain data: no database, no Flask, so the benchmark and the relevance tests use it directly.

Score of an offer for a need (0–1)::

    w_text · T + w_dim · [same dimension] + w_sub · [same sub-dimension] + w_prov · [serves the
    province or national] + w_budget · budget fit + w_type · [partner type sought] + w_deadline ·
    deadline fit

with ``T = bm25 / (bm25 + text_saturation)``, the need as the query and the offer as the
document. Every result carries its explanation (matched terms, criteria, score parts).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from plugins.matchmaking import text as textmod

DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 0.45,
    "dimension": 0.15,
    "sub_dimension": 0.08,
    "province": 0.12,
    "budget": 0.08,
    "partner_type": 0.07,
    "deadline": 0.05,
}
TEXT_SATURATION = 10.0
TITLE_BOOST = 2


@dataclass
class OfferDoc:
    id: int
    organisation_id: int
    org_type: str
    title: str
    description: str
    dimensions: frozenset[str] = frozenset()
    sub_dimensions: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()
    national: bool = False
    price_min: int | None = None
    price_max: int | None = None
    terms: Counter[str] = field(default_factory=Counter)
    language: str = "id"


@dataclass
class NeedDoc:
    id: int
    region_code: str
    province_code: str
    title: str
    description: str
    dimension: str
    sub_dimension: str | None = None
    budget_min: int | None = None
    budget_max: int | None = None
    partner_types: frozenset[str] = frozenset()
    deadline: dt.date | None = None
    terms: Counter[str] = field(default_factory=Counter)
    language: str = "id"


#: The marker of demo data in titles: a label, not content, so it never makes two demo
#: documents look related.
DEMO_MARKER = "[Demo]"


def analyse_fields(title: str, description: str, extra: str = "") -> tuple[Counter[str], str]:
    """Concept-token counts of a document; title words count ``TITLE_BOOST`` times."""
    title = title.replace(DEMO_MARKER, " ")
    sample = f"{title} {description} {extra}"
    _tokens, language = textmod.analyse(sample)
    title_terms, _ = textmod.term_counts(title, language)
    body_terms, _ = textmod.term_counts(f"{description} {extra}", language)
    counts: Counter[str] = Counter()
    for term, n in title_terms.items():
        counts[term] += n * TITLE_BOOST
    counts.update(body_terms)
    return counts, language


def make_offer(**kwargs: Any) -> OfferDoc:
    doc = OfferDoc(**kwargs)
    doc.terms, doc.language = analyse_fields(doc.title, doc.description)
    return doc


def make_need(**kwargs: Any) -> NeedDoc:
    doc = NeedDoc(**kwargs)
    doc.terms, doc.language = analyse_fields(doc.title, doc.description)
    return doc


# ---------------------------------------------------------------- the inverted index


class TermIndex:
    """An incremental BM25 index (Okapi, k1/b) over documents with a ``terms`` Counter.

    Postings live in dicts (cheap to update); each term's numpy arrays are built on first use
    after a change and cached, so a query costs a few vector operations per query term."""

    def __init__(self, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.docs: dict[int, Any] = {}
        self.slot_of: dict[int, int] = {}
        self.ids: list[int | None] = []
        self.lengths = np.zeros(1024, dtype=np.float32)
        self.total_length = 0.0
        self.postings: dict[str, dict[int, int]] = {}
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._free: list[int] = []

    def __len__(self) -> int:
        return len(self.docs)

    def __contains__(self, doc_id: int) -> bool:
        return doc_id in self.docs

    def add(self, doc: Any) -> None:
        """Add or replace a document."""
        if doc.id in self.docs:
            self.remove(doc.id)
        slot = self._free.pop() if self._free else len(self.ids)
        if slot == len(self.ids):
            self.ids.append(doc.id)
            if slot >= len(self.lengths):
                self.lengths = np.concatenate([self.lengths, np.zeros_like(self.lengths)])
        else:
            self.ids[slot] = doc.id
        length = float(sum(doc.terms.values()))
        self.lengths[slot] = length
        self.total_length += length
        self.docs[doc.id] = doc
        self.slot_of[doc.id] = slot
        for term, tf in doc.terms.items():
            self.postings.setdefault(term, {})[slot] = tf
            self._arrays.pop(term, None)

    def remove(self, doc_id: int) -> None:
        doc = self.docs.pop(doc_id, None)
        if doc is None:
            return
        slot = self.slot_of.pop(doc_id)
        self.total_length -= float(self.lengths[slot])
        self.lengths[slot] = 0.0
        self.ids[slot] = None
        self._free.append(slot)
        for term in doc.terms:
            posting = self.postings.get(term)
            if posting is not None:
                posting.pop(slot, None)
                if not posting:
                    del self.postings[term]
            self._arrays.pop(term, None)

    @property
    def average_length(self) -> float:
        return self.total_length / len(self.docs) if self.docs else 1.0

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        n = len(self.docs)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5)) if df else 0.0

    def _term_arrays(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        cached = self._arrays.get(term)
        if cached is None:
            posting = self.postings.get(term, {})
            slots = np.fromiter(posting.keys(), dtype=np.int64, count=len(posting))
            tfs = np.fromiter(posting.values(), dtype=np.float32, count=len(posting))
            cached = self._arrays[term] = (slots, tfs)
        return cached

    @staticmethod
    def query_weight(qtf: int) -> float:
        return 1.0 + math.log(qtf)

    def search(self, query: Counter[str], limit: int) -> list[tuple[int, float]]:
        """The ``limit`` best documents for ``query`` as (doc id, BM25 score), best first."""
        if not self.docs:
            return []
        scores = np.zeros(len(self.ids), dtype=np.float32)
        norm = self.k1 * (1.0 - self.b), self.k1 * self.b / self.average_length
        for term, qtf in query.items():
            idf = self.idf(term)
            if idf <= 0.0:
                continue
            slots, tfs = self._term_arrays(term)
            denominator = tfs + norm[0] + norm[1] * self.lengths[slots]
            scores[slots] += (self.query_weight(qtf) * idf) * tfs * (self.k1 + 1.0) / denominator
        hits = np.flatnonzero(scores)
        if hits.size > limit:
            top = np.argpartition(scores[hits], -limit)[-limit:]
            hits = hits[top]
        order = hits[np.argsort(-scores[hits], kind="stable")]
        return [(self.ids[s], float(scores[s])) for s in order]  # type: ignore[misc]

    def score(self, query: Counter[str], doc_id: int) -> tuple[float, set[str]]:
        """The BM25 score of one indexed document for ``query`` and the terms they share."""
        doc = self.docs.get(doc_id)
        if doc is None:
            return 0.0, set()
        length = float(self.lengths[self.slot_of[doc_id]])
        total, shared = 0.0, set()
        for term, qtf in query.items():
            tf = doc.terms.get(term)
            if not tf:
                continue
            shared.add(term)
            denominator = tf + self.k1 * (1 - self.b + self.b * length / self.average_length)
            total += self.query_weight(qtf) * self.idf(term) * tf * (self.k1 + 1) / denominator
        return total, shared


# ---------------------------------------------------------------- structured fit


@dataclass(frozen=True)
class Scored:
    need_id: int
    offer_id: int
    organisation_id: int
    score: float
    explanation: dict[str, Any]


def _budget_fit(need: NeedDoc, offer: OfferDoc) -> tuple[float, str]:
    need_lo, need_hi = need.budget_min, need.budget_max
    offer_lo, offer_hi = offer.price_min, offer.price_max
    if (need_lo is None and need_hi is None) or (offer_lo is None and offer_hi is None):
        return 0.5, "unknown"
    need_lo = need_lo if need_lo is not None else 0
    need_hi = need_hi if need_hi is not None else 10**18
    offer_lo = offer_lo if offer_lo is not None else 0
    offer_hi = offer_hi if offer_hi is not None else offer_lo
    return (1.0, "overlap") if offer_lo <= need_hi and offer_hi >= need_lo else (0.0, "outside")


def _deadline_fit(need: NeedDoc, today: dt.date) -> tuple[float, str]:
    if need.deadline is None:
        return 1.0, "none"
    days = (need.deadline - today).days
    if days < 0:
        return 0.0, "passed"
    return (1.0, "open") if days >= 7 else (0.5, "soon")


def fit(
    need: NeedDoc,
    offer: OfferDoc,
    bm25: float,
    shared: set[str],
    weights: dict[str, float],
    today: dt.date,
    saturation: float = TEXT_SATURATION,
    need_words: dict[str, str] | None = None,
) -> Scored:
    """Combine text relevance and structured fit into a score with its explanation.
    ``need_words`` (stem → word as written in the need, from :func:`need_words_of`) saves
    re-reading the need's text for every candidate."""
    text_part = bm25 / (bm25 + saturation) if bm25 > 0 else 0.0
    province = "national" if offer.national else (
        "served" if need.province_code in offer.provinces else "not_served")
    budget_value, budget = _budget_fit(need, offer)
    deadline_value, deadline = _deadline_fit(need, today)
    criteria = {
        "dimension": need.dimension in offer.dimensions,
        "sub_dimension": bool(need.sub_dimension) and need.sub_dimension in offer.sub_dimensions,
        "province": province,
        "budget": budget,
        "partner_type": (not need.partner_types) or offer.org_type in need.partner_types,
        "deadline": deadline,
    }
    raw = {
        "text": text_part,
        "dimension": 1.0 if criteria["dimension"] else 0.0,
        "sub_dimension": 1.0 if criteria["sub_dimension"] else 0.0,
        "province": 0.0 if province == "not_served" else 1.0,
        "budget": budget_value,
        "partner_type": 1.0 if criteria["partner_type"] else 0.0,
        "deadline": deadline_value,
    }
    parts = {k: round(weights.get(k, 0.0) * v, 4) for k, v in raw.items()}
    score = round(sum(parts.values()), 4)
    if need_words is None:
        need_words = need_words_of(need)
    terms = [word for stem, word in need_words.items() if stem in shared]
    explanation = {
        "matched_terms": terms[:12],
        "criteria": criteria,
        "parts": parts,
        "bm25": round(bm25, 3),
    }
    return Scored(need.id, offer.id, offer.organisation_id, score, explanation)


def need_words_of(need: NeedDoc) -> dict[str, str]:
    """Each stem of the need's text with the word first written for it."""
    stems = set(need.terms)
    title = need.title.replace(DEMO_MARKER, " ")
    words = textmod.display_terms(f"{title} {need.description}", stems, need.language)
    return {textmod.stem_of(w, need.language): w for w in words}


def eligible(need: NeedDoc, today: dt.date) -> bool:
    return need.deadline is None or need.deadline >= today


def rank_offers(
    need: NeedDoc,
    offers: TermIndex,
    weights: dict[str, float],
    *,
    today: dt.date,
    top_n: int = 20,
    min_score: float = 0.0,
    candidates: int = 300,
    saturation: float = TEXT_SATURATION,
) -> list[Scored]:
    """The best offers for a need: BM25 candidates from the index, re-ranked by full fit."""
    results = []
    words = need_words_of(need)
    for offer_id, bm25 in offers.search(need.terms, candidates):
        offer = offers.docs[offer_id]
        shared = need.terms.keys() & offer.terms.keys()
        scored = fit(need, offer, bm25, shared, weights, today, saturation, words)
        if scored.score >= min_score:
            results.append(scored)
    results.sort(key=lambda s: (-s.score, s.offer_id))
    return results[:top_n]


def rank_needs(
    offer_id: int,
    offers: TermIndex,
    needs: TermIndex,
    weights: dict[str, float],
    *,
    today: dt.date,
    limit: int = 50,
    min_score: float = 0.0,
    candidates: int = 500,
    saturation: float = TEXT_SATURATION,
) -> list[Scored]:
    """The needs an (indexed) offer fits best, scored exactly as :func:`rank_offers` would."""
    offer = offers.docs.get(offer_id)
    if offer is None:
        return []
    results = []
    for need_id, _ in needs.search(offer.terms, candidates):
        need = needs.docs[need_id]
        if not eligible(need, today):
            continue
        bm25, shared = offers.score(need.terms, offer_id)
        scored = fit(need, offer, bm25, shared, weights, today, saturation)
        if scored.score >= min_score:
            results.append(scored)
    results.sort(key=lambda s: (-s.score, s.need_id))
    return results[:limit]


def brute_force(
    need: NeedDoc, offers: TermIndex, weights: dict[str, float], *, today: dt.date,
    top_n: int = 20,
) -> list[Scored]:
    """Score every offer one by one (the benchmark's reference)."""
    results = []
    words = need_words_of(need)
    for offer_id, offer in offers.docs.items():
        bm25, shared = offers.score(need.terms, offer_id)
        if bm25 > 0:
            results.append(fit(need, offer, bm25, shared, weights, today, need_words=words))
    results.sort(key=lambda s: (-s.score, s.offer_id))
    return results[:top_n]


def baseline_rank(need_text: str, offers: Iterable[tuple[int, str]], limit: int) -> list[int]:
    """Plain BM25 (lower-case words, no stop words, no stemming, no structured fit)."""
    index = TermIndex()
    for offer_id, body in offers:
        index.add(_PlainDoc(offer_id, Counter(textmod.plain_tokens(body))))
    return [doc_id for doc_id, _ in index.search(Counter(textmod.plain_tokens(need_text)), limit)]


@dataclass
class _PlainDoc:
    id: int
    terms: Counter[str]
