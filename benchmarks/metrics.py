"""Quality metrics, engine-agnostic: hit rules, short-answer rules, SQuAD EM/F1, verdict and
abstention scores.

Every function reads plain values (strings, spans, `Reply` records, verdict strings), so a
training script can score any answerer, on any held-out fold, with the same rules the
harness (`benchmarks/quality.py`) reports. The rules of the development sets reproduce
`../shared/eval/score.py` exactly; the SQuAD rules are the official v1.1 evaluation's.
"""
from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from benchmarks.data import DevClaim, DevQuestion

# score.py's FOLD: curly quotes, dashes and no-break spaces to their plain forms.
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                       "\u2014": "-", "\u2013": "-", "\u00a0": " "})
DECISIVE = ("supported", "contradicted")


@dataclass(frozen=True)
class Reply:
    """What the metrics read of one answer. `found` is None when the answerer refused the
    question (the CLI's error row: it neither answers nor says "doesn't say"); `spans` are
    the cited sentences' `[start, end)` offsets in their article, beside `sentences`."""

    found: bool | None
    answer: str | None
    sentences: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()


# --- the development sets' rules (shared/eval/score.py) ---------------------------------

def fold(text: str | None) -> str:
    """score.py's `norm`: fold quotes and dashes, collapse white space, lower-case."""
    return re.sub(r"\s+", " ", (text or "").translate(_FOLD)).strip().lower()


def rank_of_hit(sentences: Sequence[str], gold: Sequence[str]) -> int | None:
    """The 1-based rank of the first cited sentence that contains a gold passage (both folded)."""
    golds = [fold(g) for g in gold]
    for rank, sentence in enumerate(sentences, 1):
        folded = fold(sentence)
        if any(g in folded for g in golds):
            return rank
    return None


def answer_hit(answer: str | None, gold: str | None) -> bool:
    """The bundled set's rule: the answer contains the gold (thousands commas optional) and
    is at most 40 characters longer."""
    a, g = fold(answer), fold(gold)
    return bool(a) and (g in a or g.replace(",", "") in a.replace(",", "")) and len(a) <= len(g) + 40


def _words(text: str | None) -> str:
    text = re.sub(r"(?<=\d),(?=\d{3})", "", fold(text))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s.]|\.(?!\d)", " ", text)).strip()


def short_answer_hit(answer: str | None, shorts: Iterable[str]) -> bool:
    """The news set's rule: the answer holds one short answer as whole words, after folding
    case, punctuation and thousands separators ("1,500" matches "1500", "9" not "19" or "9.5")."""
    a = _words(answer)
    return bool(a) and any(_words(s) and re.search(r"(?<![\w.])" + re.escape(_words(s)) + r"(?![\w]|\.\d)", a)
                           for s in shorts)


def dev_short_answer_hit(item: DevQuestion, reply: Reply) -> bool:
    """score.py's answer rule for one item: a "doesn't say" misses a short answer."""
    if item.short_answers:
        return reply.found is not False and short_answer_hit(reply.answer, item.short_answers)
    return answer_hit(reply.answer, item.answer)


def recall_metrics(ranks: Sequence[int | None], at: Sequence[int] = (1, 3)) -> dict[str, float]:
    """R@r for each r in `at` and MRR over the ranks (None: no hit), each a share of all ranks."""
    n = max(len(ranks), 1)
    scores = {f"R@{r}": sum(1 for x in ranks if x and x <= r) / n for r in at}
    scores["MRR"] = sum(1 / x for x in ranks if x) / n
    return scores


def dev_question_metrics(items: Sequence[DevQuestion], replies: Sequence[Reply]) -> dict[str, float | int]:
    """score.py's question figures: R@1, R@3, MRR over answerable items; `answer` over
    answerable items with a short answer; `no-answer` the share of unanswerable items
    answered found=False; `false-abstain` answerable items answered found=False."""
    pairs = list(zip(items, replies, strict=True))
    answerable = [(i, r) for i, r in pairs if i.answerable]
    unanswerable = [(i, r) for i, r in pairs if not i.answerable]
    scores: dict[str, float | int] = dict(recall_metrics([rank_of_hit(r.sentences, i.gold) for i, r in answerable]))
    with_answer = [(i, r) for i, r in answerable if i.has_short_answer]
    scores["answer"] = sum(dev_short_answer_hit(i, r) for i, r in with_answer) / max(len(with_answer), 1)
    scores["no-answer"] = sum(r.found is False for _, r in unanswerable) / max(len(unanswerable), 1)
    scores["false-abstain"] = sum(r.found is False for _, r in answerable)
    scores["answerable"] = len(answerable)
    scores["unanswerable"] = len(unanswerable)
    return scores


def dev_claim_metrics(claims: Sequence[DevClaim], verdicts: Sequence[str | None]) -> dict[str, float | int]:
    """score.py's claim figures: accuracy (verdict equals label exactly), wrong verdicts
    (decisive and not the label), other misses; and each label's recall."""
    pairs = list(zip(claims, verdicts, strict=True))
    right = sum(v == c.label for c, v in pairs)
    wrong = sum(v in DECISIVE and v != c.label for c, v in pairs)
    scores: dict[str, float | int] = {"accuracy": right / max(len(pairs), 1), "wrong-verdicts": wrong,
                                      "other-misses": len(pairs) - right - wrong}
    for label in sorted({c.label for c in claims}):
        of_label = [v for c, v in pairs if c.label == label]
        scores[f"recall:{label}"] = sum(v == label for v in of_label) / len(of_label)
    return scores


# --- SQuAD ---------------------------------------------------------------------------------

def span_rank_of_hit(spans: Sequence[tuple[int, int]], text: str, answers: Iterable[tuple[str, int]]) -> int | None:
    """The SQuAD sentence rule (benchmarks/squad_sentences.py, ../shared/benchmarks/README.md):
    the 1-based rank of the first cited span `[start, end)` of `text` that covers a gold
    answer's start offset and contains its text; `answers` are (text, start) pairs."""
    answers = list(answers)
    for rank, (start, end) in enumerate(spans, 1):
        for answer_text, answer_start in answers:
            if start <= answer_start < end and answer_text in text[start:end]:
                return rank
    return None


def normalize_answer(text: str) -> str:
    """SQuAD v1.1's answer normalisation (the official `evaluate-v1.1.py`, Rajpurkar et al.
    2016): lower-case, remove punctuation (`string.punctuation`), remove the articles
    a/an/the as whole words, collapse white space."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


_PUNCTUATION = frozenset(string.punctuation)


def exact_match(prediction: str | None, golds: Iterable[str]) -> float:
    """1.0 when the normalised prediction equals a normalised gold answer, else 0.0 (max over
    golds, as `evaluate-v1.1.py`); a missing prediction (None) scores 0."""
    if prediction is None:
        return 0.0
    mine = normalize_answer(prediction)
    return float(any(mine == normalize_answer(g) for g in golds))


def _token_f1(prediction: str, gold: str) -> float:
    predicted, wanted = normalize_answer(prediction).split(), normalize_answer(gold).split()
    same = sum((Counter(predicted) & Counter(wanted)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(wanted)
    return 2 * precision * recall / (precision + recall)


def f1(prediction: str | None, golds: Iterable[str]) -> float:
    """SQuAD v1.1's F1: harmonic mean of token precision and recall between the normalised
    prediction and a normalised gold answer (tokens counted as a multiset), max over golds;
    a missing prediction (None) scores 0."""
    if prediction is None:
        return 0.0
    return max((_token_f1(prediction, g) for g in golds), default=0.0)


# --- abstention and verdicts ---------------------------------------------------------------

def abstention_metrics(answerable: Sequence[bool], found: Sequence[bool | None]) -> dict[str, float | int]:
    """An abstention is found False; the positive class is unanswerable. `accuracy` is the share
    where found matches answerable; precision is the share of abstentions on unanswerable
    questions, recall the share of unanswerable questions abstained on; `false-abstain`
    counts answerable questions abstained on; `base-rate` the unanswerable share."""
    pairs = list(zip(answerable, found, strict=True))
    abstained = [a for a, f in pairs if f is False]
    true_abstentions = sum(not a for a in abstained)
    unanswerable = sum(not a for a, _ in pairs)
    n = max(len(pairs), 1)
    return {
        "accuracy": sum((f is True) == a for a, f in pairs) / n,
        "abstain-precision": true_abstentions / max(len(abstained), 1),
        "abstain-recall": true_abstentions / max(unanswerable, 1),
        "false-abstain": len(abstained) - true_abstentions,
        "base-rate": unanswerable / n,
    }


# SciFact and Climate-FEVER labels -> the verdicts that count as right (claims_bench.py).
EXPECTED_VERDICTS: Mapping[str, frozenset[str]] = {
    "SUPPORTS": frozenset({"supported"}),
    "REFUTES": frozenset({"contradicted"}),
    "NOT_ENOUGH_INFO": frozenset({"unverified", "not_in_article"}),
}
_LABEL_CLASS = {"SUPPORTS": "supported", "REFUTES": "contradicted", "NOT_ENOUGH_INFO": "abstain"}


def verdict_class(verdict: str | None) -> str:
    """supported, contradicted, or abstain (unverified, not_in_article, or no verdict)."""
    return verdict if verdict in DECISIVE else "abstain"


def labelled_claim_metrics(labels: Sequence[str], verdicts: Sequence[str | None]) -> dict[str, float | int]:
    """Verdicts against SUPPORTS / REFUTES / NOT_ENOUGH_INFO labels: accuracy, the accuracy of
    always answering "unverified", decisive and wrong verdicts (decisive and not expected),
    and precision and recall of each class (supported, contradicted, abstain)."""
    pairs = list(zip(labels, verdicts, strict=True))
    n = max(len(pairs), 1)
    scores: dict[str, float | int] = {
        "accuracy": sum(v in EXPECTED_VERDICTS[label] for label, v in pairs) / n,
        "always-unverified": sum("unverified" in EXPECTED_VERDICTS[label] for label, _ in pairs) / n,
        "decisive": sum(v in DECISIVE for _, v in pairs),
        "wrong-verdicts": sum(v in DECISIVE and v not in EXPECTED_VERDICTS[label] for label, v in pairs),
    }
    for name in ("supported", "contradicted", "abstain"):
        right = sum(_LABEL_CLASS[label] == name and verdict_class(v) == name for label, v in pairs)
        predicted = sum(verdict_class(v) == name for _, v in pairs)
        actual = sum(_LABEL_CLASS[label] == name for label, _ in pairs)
        scores[f"precision:{name}"] = right / max(predicted, 1)
        scores[f"recall:{name}"] = right / max(actual, 1)
    return scores
