"""The one engine every front end calls: `ask`, `ask_batch`, `check`, `context`, `sources`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import answer as answering
from . import claims as claim_checking
from . import store
from .build import build_corpus_and_index, trained_splitter
from .corpus import Corpus, load_articles, load_bundled
from .errors import QuestionError, UnknownRefError
from .index import BM25Params, SentenceIndex
from .models import Answer, Article, Citation, ClaimCheck, Context, Hit, Sentence, SourceInfo
from .question import MAX_QUESTION_CHARS, analyse
from .ranking import Ranker
from .sentences import SentenceSplitter
from .text import Tokenizer

DEFAULT_K = 3
MAX_K = 25


@dataclass(frozen=True)
class EngineConfig:
    bm25: BM25Params = BM25Params()
    train_splitter: bool = True
    workers: int | None = None


class Engine:
    """Answers questions and checks claims against one corpus of articles."""

    def __init__(self, corpus: Corpus, index: SentenceIndex, tokenizer: Tokenizer):
        self.corpus = corpus
        self.index = index
        self.tokenizer = tokenizer
        self._ranker = Ranker(corpus, index, tokenizer)

    @classmethod
    def from_articles(cls, articles: list[Article], config: EngineConfig = EngineConfig()) -> "Engine":
        splitter = trained_splitter(articles) if config.train_splitter else SentenceSplitter()
        tokenizer = Tokenizer()
        corpus, index = build_corpus_and_index(articles, splitter, tokenizer, config.bm25, config.workers)
        return cls(corpus, index, tokenizer)

    @classmethod
    def from_paths(cls, paths: list[str | Path] | None = None, config: EngineConfig = EngineConfig()) -> "Engine":
        """An engine over the articles at `paths`, or over the bundled article when none."""
        return cls.from_articles(load_articles(paths) if paths else load_bundled(), config)

    @classmethod
    def from_index(cls, path: str | Path) -> "Engine":
        """An engine over an index saved by `save` (`IndexFormatError` when it cannot be read)."""
        return cls(*store.load_index(path))

    def save(self, path: str | Path) -> None:
        """Save the corpus and index to the folder `path`, replacing it atomically."""
        store.save_index(path, self.corpus, self.index, self.tokenizer)

    def ask(self, question: str, k: int = DEFAULT_K) -> Answer:
        """The top k cited sentences for a question, whether they answer it, and a short
        verbatim answer span when one of the expected kind is found."""
        question = _checked(question, "question")
        parsed = analyse(question, self.tokenizer)
        if not parsed.terms:
            raise QuestionError("the question has no searchable words; ask about something in the article")
        ranking = self._ranker.rank(parsed, _clamp(k))
        citations = tuple(self._cite(hit) for hit in ranking.hits)
        if not ranking.found:
            return Answer(question, False, None, citations)
        span = answering.extract(parsed, [self.corpus.sentences[h.position] for h in ranking.hits],
                                 self.corpus)
        return Answer(question, True, span.text if span else None, citations,
                      span.attribution if span else None)

    def ask_batch(self, questions: list[str], k: int = DEFAULT_K) -> list[Answer]:
        return [self.ask(q, k) for q in questions]

    def check(self, claim: str, k: int = DEFAULT_K) -> ClaimCheck:
        """A verdict on a claim with the evidence sentences it rests on."""
        claim = _checked(claim, "claim")
        return claim_checking.check(claim, self, _clamp(k))

    def context(self, ref: str, width: int = 2) -> Context:
        """The sentence at `ref` ("4.2", or "DOC:4.2" when several articles are loaded)
        with up to `width` neighbours each side in the same article."""
        sentence = self.sentence_at(ref)
        siblings = [s for s in self.corpus.sentences[max(0, sentence.position - width):
                                                     sentence.position + width + 1]
                    if s.doc == sentence.doc]
        before = tuple(self.cite(s) for s in siblings if s.position < sentence.position)
        after = tuple(self.cite(s) for s in siblings if s.position > sentence.position)
        return Context(self.corpus.article(sentence.doc).title, self.cite(sentence), before, after)

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
        article = self.corpus.article(sentence.doc)
        return Citation(sentence.doc, article.title, sentence.ref, sentence.text,
                        sentence.start, sentence.end, round(score, 6), article.url, article.date)

    def _cite(self, hit: Hit) -> Citation:
        return self.cite(self.corpus.sentences[hit.position], hit.score)


def _clamp(k: int) -> int:
    return max(1, min(int(k), MAX_K))


def _checked(text: str, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise QuestionError(f"the {what} is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the {what} is {len(text):,} characters; the limit is {MAX_QUESTION_CHARS:,}")
    return " ".join(text.split())
