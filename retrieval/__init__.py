"""factbot's retrieval core: load articles, index their sentences, answer and check.

Pure: no I/O beyond reading the article files and index folders it is given and writing the
index folders it is asked to save; no printing, no network.
"""
from .corpus import Corpus, load_articles, load_bundled
from .engine import DEFAULT_K, MAX_K, Engine, EngineConfig
from .errors import (ArticleError, FactbotError, IndexFormatError, IndexWriteError, QuestionError,
                     UnknownRefError)
from .evidence import Evidence
from .index import BM25Params, SentenceIndex
from .models import (Answer, Article, Citation, ClaimCheck, Context, Hit, Sentence,
                     SourceInfo, Verdict)
from .question import MAX_QUESTION_CHARS
from .search import SentenceSearch
from .text import Tokenizer

__all__ = [
    "Answer", "Article", "ArticleError", "BM25Params", "Citation", "ClaimCheck", "Context",
    "Corpus", "DEFAULT_K", "Engine", "EngineConfig", "Evidence", "FactbotError", "Hit", "IndexFormatError",
    "IndexWriteError", "MAX_K", "MAX_QUESTION_CHARS", "QuestionError", "Sentence", "SentenceIndex",
    "SentenceSearch", "SourceInfo", "Tokenizer", "UnknownRefError", "Verdict", "load_articles", "load_bundled",
]
