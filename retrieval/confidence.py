"""Learned decisions over the evidence: does a question's best sentence answer it, and what
verdict does a claim's evidence support.

`answer_features` describes one ranked question as numbers in [0, 1] or small counts: how
much of the question the best sentence holds (idf-weighted, exactly and loosely: `evidence.holds`), what it
misses, how far it stands above the next, whether a span of the asked-for kind was found and
where, and the question's form. None depends on the corpus's size (no raw BM25 score or idf
level): a one-paragraph article and an archive are judged alike. `FoundModel` turns them into
a probability with weights learned by `training/found.py` (logistic regression, L2), shipped as plain JSON in
`data/found-model.json` with the data and licences it was trained on. The question is
answered ("found") when the probability reaches the model's threshold and, for a question
that asks for a thing of a kind (a figure, a date, a person, a place ...), a cited sentence
gives one of good fit (`answers`): without it the sentences are related, not an answer.

`VerdictModel` does the same for claims over `claims.claim_features` (trained by
`training/verdicts.py`, shipped as `data/verdict-model.json`): a probability for supported,
contradicted and not in the article.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Mapping, Sequence

from .evidence import Candidate
from .question import AnswerType, Question
from .spans import Fit

FEATURE_NAMES = (
    "coverage", "exact_coverage", "best_coverage_top3", "coverage_lead", "bigram", "typed", "typed_top3",
    "focus_held", "margin", "neighbours", "missing_share", "missing_max", "unknown_share", "terms", "negated",
    "number_missing", "top_is_question", "span", "span_fit", "span_in_top", "typed_question",
    *(f"asks_{kind.value}" for kind in AnswerType),
)
# Questions whose answer may be a whole sentence: "what ...", "why ...", "what did X say".
WHOLE_SENTENCE_ANSWERS = (AnswerType.OTHER, AnswerType.REASON, AnswerType.STATEMENT)
_NEGATION = re.compile(r"\b(?:not|never|no|none|nor)\b|n't\b")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def answer_features(question: Question, ranked: Sequence[Candidate], weights: Mapping[str, float],
                    held: frozenset[str], known: frozenset[str], focus_held: bool, top_text: str,
                    span_fit: int | None, span_rank: int | None) -> dict[str, float]:
    """The found model's inputs (see the module doc). `weights` are the question's content
    terms with their idf weights, `held` those the best sentence holds (by `evidence.holds`),
    `known` those the corpus holds at all."""
    top = ranked[0]
    mass = sum(weights.values()) or 1.0
    missing = [t for t in weights if t not in held]
    best_weight = max(weights.values(), default=1.0)
    second = ranked[1].score if len(ranked) > 1 else 0.0
    # As the ranker does: on a tiny article Okapi's idf can make every BM25 score zero or less.
    best_bm25 = max(r.bm25 for r in ranked)
    best_bm25 = best_bm25 if best_bm25 > 0 else 1.0
    features = {
        "coverage": top.coverage,
        "exact_coverage": top.exact_coverage,
        "best_coverage_top3": max(r.coverage for r in ranked[:3]),
        "coverage_lead": top.coverage - max((r.coverage for r in ranked[1:]), default=0.0),
        "bigram": top.bigram_share,
        "typed": float(top.type_match),
        "typed_top3": float(any(r.type_match for r in ranked[:3])),
        "focus_held": float(focus_held),
        "margin": (top.score - second) / top.score if top.score > 0 else 0.0,
        "neighbours": _clip((top.before + top.after) / best_bm25, 0.0, 2.0),
        "missing_share": sum(weights[t] for t in missing) / mass,
        "missing_max": max((weights[t] for t in missing), default=0.0) / best_weight,
        "unknown_share": sum(w for t, w in weights.items() if t not in known) / mass,
        "terms": math.log1p(len(weights)),
        "negated": float(bool(_NEGATION.search(question.text.lower()))),
        "number_missing": float(any(n not in top_text for n in _NUMBER.findall(question.text))),
        "top_is_question": float(top_text.rstrip(" \"'\u201d\u2019").endswith("?")),
        "span": float(span_fit is not None),
        "span_fit": (span_fit or 0) / Fit.EXACT,
        "span_in_top": float(span_rank == 0),
        "typed_question": float(question.answer_type is not AnswerType.OTHER),
    }
    for kind in AnswerType:
        features[f"asks_{kind.value}"] = float(question.answer_type is kind)
    return features


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


@dataclass(frozen=True)
class FoundModel:
    """A logistic model: standardised features, weights, bias, and the decision threshold."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.bias + sum(w * (features.get(n, 0.0) - m) / s
                            for n, m, s, w in zip(self.names, self.mean, self.scale, self.weights))
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def answers(self, features: Mapping[str, float], probability: float) -> bool:
        """Whether a question with these features and this probability is answered: the
        probability reaches the threshold, and a span of the asked kind, of good fit or better
        (not, say, a share for "how much did they pay"), was found unless the question asks for
        none (a reason or a statement may be the whole sentence)."""
        gives_kind = (features["span_fit"] >= Fit.GOOD / Fit.EXACT
                      or any(features[f"asks_{kind.value}"] for kind in WHOLE_SENTENCE_ANSWERS))
        return probability >= self.threshold and gives_kind

    @classmethod
    def from_json(cls, data: Mapping) -> "FoundModel":
        return cls(tuple(data["names"]), tuple(map(float, data["mean"])), tuple(map(float, data["scale"])),
                   tuple(map(float, data["weights"])), float(data["bias"]), float(data["threshold"]))


@dataclass(frozen=True)
class VerdictModel:
    """A multinomial logistic model over claim features: one weight row per verdict it
    can give, and for the decisive ones (supported, contradicted) the probability below
    which the verdict is only "unverified"."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    verdicts: tuple[str, ...]
    weights: tuple[tuple[float, ...], ...]
    biases: tuple[float, ...]
    decisive: float

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        z = [(features.get(n, 0.0) - m) / s for n, m, s in zip(self.names, self.mean, self.scale)]
        logits = [b + sum(w * x for w, x in zip(row, z)) for row, b in zip(self.weights, self.biases)]
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {verdict: e / total for verdict, e in zip(self.verdicts, exps)}

    @classmethod
    def from_json(cls, data: Mapping) -> "VerdictModel":
        return cls(tuple(data["names"]), tuple(map(float, data["mean"])), tuple(map(float, data["scale"])),
                   tuple(data["verdicts"]), tuple(tuple(map(float, row)) for row in data["weights"]),
                   tuple(map(float, data["biases"])), float(data["decisive"]))


def _shipped(name: str) -> dict:
    return json.loads(resources.files("retrieval").joinpath("data", name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def shipped_found_model() -> FoundModel:
    return FoundModel.from_json(_shipped("found-model.json"))


@lru_cache(maxsize=1)
def shipped_verdict_model() -> VerdictModel:
    return VerdictModel.from_json(_shipped("verdict-model.json"))
