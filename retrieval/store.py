"""A saved index: an engine's corpus and BM25 index in a folder, without pickle.

The folder holds numpy arrays (`.npy`, saved with `allow_pickle=False`) and three JSON
files: `manifest.json` (format version, tokenizer settings, BM25 parameters, counts and the
size of every file), `vocabulary.json` (the terms, in term-id order) and `articles.json`
(the articles' metadata, as columns). Article texts are one UTF-8 byte array with offsets,
and sentences are span columns into them, so loading maps the arrays into memory
(`mmap_mode="r"`) and builds no sentence or article object until one is read.

A save writes a hidden temporary folder beside the target and renames it into place; an
index already there is renamed aside first and removed last, so a failed or interrupted
save leaves the previous index readable (a load finds it where it was set aside when a
kill fell between the two renames). Folders and files are made with the modes the umask
gives, like any the user makes, so a service user can read an index a deploy user built.

A temporary folder is named `.NAME.tmp-PID@HOST-RANDOM` after the save that writes it.
Saves and loads remove the temporary folders that killed saves left: those of a process
on this host that is no longer running, and, when the owner cannot be checked (another
host, an older factbot's name, a system without POSIX signals), those untouched for
`STALE_AFTER_SECONDS`. A save in progress elsewhere is never removed by another's clean-up.

With the semantic extra, an index also holds `sentence_vectors.npy`: float16, one row a
sentence, and a "semantic" entry in the manifest naming the encoder, its model's sha256, the
dimension and the entry's own version. The file is optional: an index saved without it loads
as before, and the engine then ranks by words alone (it never encodes a saved corpus at load:
at ~10 ms a sentence, a million sentences take about three hours).

A load checks the format version, the tokenizer settings, every file's presence and size,
the arrays' shapes and types, and their values with vectorised checks (postings point at
sentences, offsets ascend, weights are finite, the forward index holds each sentence's
length of known terms, every sentence lies inside its paragraph
and every paragraph inside its article's text, sentence vectors are finite); whatever is wrong raises
`IndexFormatError` in one line, saying how to rebuild, or, when the index is only
unreadable to this user, that permission was denied.
"""
from __future__ import annotations

import json
import math
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .corpus import Corpus, SentenceSpans
from .errors import IndexFormatError, IndexWriteError
from .index import BM25Params, SentenceIndex
from .models import Article
from .semantic import SentenceVectors
from .text import Tokenizer

FORMAT = "factbot-index"
# Version 2 added the forward index (forward_offsets, forward_terms).
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
VECTORS = "sentence_vectors.npy"
VECTORS_VERSION = 1
# Rows checked at a time for finite values, so a large index's check allocates little.
_CHECK_ROWS = 65_536
STALE_AFTER_SECONDS = 24 * 3600
# Far above any BM25 weight (an idf times k1 + 1), far below where sums overflow.
_MAX_WEIGHT = 1e9
_OWNER = re.compile(r"-(?P<pid>\d+)@(?P<host>[^@]+)-[0-9a-f]+$")
_ARTICLE_FIELDS = ("doc", "title", "standfirst", "byline", "authors", "url", "date", "source")
# name: (dtype, number of dimensions)
_ARRAYS = {
    "offsets": ("int64", 1), "positions": ("int32", 1), "weights": ("float64", 1),
    "by_impact": ("int32", 1), "lengths": ("int32", 1),
    "forward_offsets": ("int64", 1), "forward_terms": ("int32", 1),
    "sentence_article": ("int32", 1), "sentence_paragraph": ("int32", 1), "sentence_number": ("int32", 1),
    "sentence_start": ("int32", 1), "sentence_end": ("int32", 1),
    "article_text": ("uint8", 1), "article_text_offsets": ("int64", 1),
    "paragraphs": ("int32", 2), "paragraph_offsets": ("int64", 1),
}


def save_index(path: str | Path, corpus: Corpus, index: SentenceIndex, tokenizer: Tokenizer,
               vectors: SentenceVectors | None = None) -> None:
    """Write `corpus` and `index` (and the sentence `vectors`, when given) to the folder
    `path`, replacing an index saved there."""
    target = Path(path)
    if target.exists() and not _replaceable(target):
        raise IndexWriteError(f"{target} exists and is not a factbot index; choose a new folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(target)
        staging = _new_folder(target, "tmp")
    except OSError as error:
        raise IndexWriteError(f"cannot write the index to {target}: {error.strerror}") from None
    try:
        _write(staging, corpus, index, tokenizer, vectors)
        _swap_into_place(staging, target)
        _remove_leftovers(target)
    except OSError as error:
        raise IndexWriteError(f"cannot write the index to {target}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_index(path: str | Path) -> tuple[Corpus, SentenceIndex, Tokenizer]:
    """The corpus, index and tokenizer saved at `path`, the arrays memory-mapped. When a
    save was killed between its two renames, the previous index is read where it was set
    aside."""
    return load_saved(path)[:3]


def load_saved(path: str | Path) -> tuple[Corpus, SentenceIndex, Tokenizer, SentenceVectors | None]:
    """As `load_index`, and the sentence vectors saved with the index (memory-mapped), or
    None when it was saved without them."""
    folder = Path(path)
    _remove_stale_temporaries(folder)
    if not folder.exists():
        folder = next(iter(sorted(_set_aside(folder))), folder)
    try:
        return _read(folder)
    except IndexFormatError:
        raise
    except PermissionError as error:
        name = Path(error.filename).name if error.filename else folder.name
        raise IndexFormatError(f"cannot load the index at {folder}: permission denied reading {name}; "
                               f"make the folder readable by this user (chmod -R a+rX {folder})") from None
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        raise _format_error(folder, _reason(error)) from None


def _set_aside(target: Path) -> list[Path]:
    """Previous indexes of `target` that a save renamed aside and did not remove."""
    return [old / target.name for old in target.parent.glob(f".{target.name}.old-*")
            if (old / target.name / MANIFEST).is_file()]


def _remove_leftovers(target: Path) -> None:
    """Once a new index is in place: previous ones set aside, and stale temporary folders."""
    for leftover in target.parent.glob(f".{target.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    _remove_stale_temporaries(target)


def _new_folder(target: Path, kind: str) -> Path:
    """A new hidden folder beside `target` named for this process, made with the mode the
    umask gives (`tempfile.mkdtemp` would make it 0700, unreadable to other users)."""
    while True:
        folder = target.parent / f".{target.name}.{kind}-{os.getpid()}@{_host()}-{secrets.token_hex(4)}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname()) or "localhost"


def _remove_stale_temporaries(target: Path) -> None:
    """Remove, best effort, the temporary folders of saves of `target` that were killed."""
    try:
        leftovers = list(target.parent.glob(f".{target.name}.tmp-*"))
    except OSError:
        return
    for leftover in leftovers:
        if _is_stale(leftover):
            shutil.rmtree(leftover, ignore_errors=True)


def _is_stale(folder: Path) -> bool:
    owner = _OWNER.search(folder.name)
    if owner and os.name == "posix" and owner["host"] == _host():
        pid = int(owner["pid"])
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)  # signal 0 sends nothing: it asks whether the process exists
        except (ProcessLookupError, OverflowError):
            return True
        except PermissionError:  # it exists, run by another user
            return False
        return False
    try:
        return time.time() - folder.stat().st_mtime > STALE_AFTER_SECONDS
    except OSError:
        return False


def _rebuild_hint(folder: Path) -> str:
    return f"rebuild it with: factbot index build CORPUS... -o {folder}"


def _format_error(folder: Path, reason: str) -> IndexFormatError:
    return IndexFormatError(f"cannot load the index at {folder}: {reason}; {_rebuild_hint(folder)}")


def _reason(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return f"{Path(error.filename).name} is missing" if error.filename else "a file is missing"
    if isinstance(error, KeyError):
        return f"an entry is missing ({error})"
    return " ".join(str(error).split()) or type(error).__name__


def _replaceable(target: Path) -> bool:
    return target.is_dir() and ((target / MANIFEST).is_file() or not any(target.iterdir()))


def _write(folder: Path, corpus: Corpus, index: SentenceIndex, tokenizer: Tokenizer,
           vectors: SentenceVectors | None) -> None:
    articles = corpus.articles
    texts = [a.text.encode("utf-8") for a in articles]
    paragraph_counts = [len(a.paragraphs) for a in articles]
    paragraphs = np.array([span for a in articles for span in a.paragraphs], dtype=np.int32).reshape(-1, 2)
    spans = corpus.spans
    terms, index_arrays = index.to_arrays()
    if "forward_terms" not in index_arrays:
        raise ValueError("only an index with a forward index (as SentenceIndex.build makes) can be saved")
    arrays = {
        **index_arrays,
        "sentence_article": spans.article, "sentence_paragraph": spans.paragraph,
        "sentence_number": spans.number, "sentence_start": spans.start, "sentence_end": spans.end,
        "article_text": np.frombuffer(b"".join(texts), dtype=np.uint8),
        "article_text_offsets": _offsets(len(t) for t in texts),
        "paragraphs": paragraphs, "paragraph_offsets": _offsets(paragraph_counts),
    }
    del texts
    for name, array in arrays.items():
        dtype, _ = _ARRAYS[name]
        with open(folder / f"{name}.npy", "wb") as file:
            np.save(file, np.ascontiguousarray(array, dtype=dtype), allow_pickle=False)
            _sync(file)
    columns = {field: [getattr(a, field) for a in articles] for field in _ARTICLE_FIELDS}
    columns["authors"] = [list(authors) for authors in columns["authors"]]
    _write_json(folder / "articles.json", columns)
    _write_json(folder / "vocabulary.json", terms)
    if vectors is not None:
        with open(folder / VECTORS, "wb") as file:
            np.save(file, np.ascontiguousarray(vectors.rows, dtype=np.float16), allow_pickle=False)
            _sync(file)
    files = sorted(p.name for p in folder.iterdir())
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "tokenizer": tokenizer.settings,
        "bm25": {"k1": index.params.k1, "b": index.params.b, "epsilon": index.params.epsilon},
        "counts": {"articles": len(articles), "sentences": len(index), "terms": len(terms),
                   "postings": index.n_postings},
        "files": {name: (folder / name).stat().st_size for name in files},
    }
    if vectors is not None:
        manifest["semantic"] = {"version": VECTORS_VERSION, "encoder": vectors.encoder,
                                "model_sha256": vectors.model_sha256, "dimension": int(vectors.rows.shape[1])}
    _write_json(folder / MANIFEST, manifest)


def _offsets(counts) -> np.ndarray:
    counts = np.fromiter(counts, dtype=np.int64)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets


def _write_json(path: Path, value) -> None:
    with open(path, "w", encoding="utf-8") as file:
        json.dump(value, file, ensure_ascii=False, separators=(",", ":"))
        _sync(file)


def _sync(file) -> None:
    file.flush()
    os.fsync(file.fileno())


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`; an index already at `target` is renamed aside first
    and removed only once the new one is in place."""
    _sync_folder(staging)
    if not target.exists():
        os.rename(staging, target)
    else:
        aside = _new_folder(target, "old")
        os.rename(target, aside / target.name)
        os.rename(staging, target)
        shutil.rmtree(aside, ignore_errors=True)
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _read(folder: Path) -> tuple[Corpus, SentenceIndex, Tokenizer, SentenceVectors | None]:
    if not folder.is_dir():
        raise _format_error(folder, "no such folder")
    manifest = _read_json(folder / MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _format_error(folder, f"{MANIFEST} is not a factbot index manifest")
    if manifest.get("version") != FORMAT_VERSION:
        raise _format_error(folder, f"it has format version {manifest.get('version')}, "
                                    f"this factbot reads version {FORMAT_VERSION}")
    _check_manifest(folder, manifest)
    tokenizer = Tokenizer.from_settings(manifest["tokenizer"])
    if tokenizer is None:
        raise _format_error(folder, "it was built with other tokenizer settings")
    missing = {f"{name}.npy" for name in _ARRAYS} - set(manifest["files"])
    if missing:
        raise _format_error(folder, f"{MANIFEST} does not list {', '.join(sorted(missing))}")
    for name, size in manifest["files"].items():
        if (folder / name).stat().st_size != size:
            raise _format_error(folder, f"{name} is {(folder / name).stat().st_size:,} bytes, "
                                        f"expected {size:,} (truncated or changed)")
    arrays = {name: _read_array(folder, name) for name in _ARRAYS}
    terms = _read_json(folder / "vocabulary.json")
    columns = _read_json(folder / "articles.json")
    counts = manifest["counts"]
    _check_shapes(folder, arrays, counts, terms, columns)
    _check_values(folder, arrays, counts)
    params = BM25Params(**manifest["bm25"])
    index = SentenceIndex.from_arrays(terms, arrays, params)
    spans = SentenceSpans(arrays["sentence_article"], arrays["sentence_paragraph"], arrays["sentence_number"],
                          arrays["sentence_start"], arrays["sentence_end"])
    articles = _StoredArticles(folder, columns, arrays["article_text"], arrays["article_text_offsets"],
                               arrays["paragraphs"], arrays["paragraph_offsets"])
    vectors = _read_vectors(folder, manifest)
    return Corpus(articles, spans, columns["doc"]), index, tokenizer, vectors


def _read_vectors(folder: Path, manifest: dict) -> SentenceVectors | None:
    """The sentence vectors the manifest lists, checked: float16 rows, one a sentence, of the
    manifest's dimension, every value finite."""
    meta = manifest.get("semantic")
    if meta is None:
        if VECTORS in manifest["files"]:
            raise _format_error(folder, f"{MANIFEST} lists {VECTORS} but does not say which model made it")
        return None
    if not (isinstance(meta, dict) and meta.get("version") == VECTORS_VERSION
            and isinstance(meta.get("encoder"), str) and isinstance(meta.get("model_sha256"), str)
            and isinstance(meta.get("dimension"), int) and meta["dimension"] > 0):
        raise _format_error(folder, f"the \"semantic\" entry of {MANIFEST} is malformed or of another version")
    if VECTORS not in manifest["files"]:
        raise _format_error(folder, f"{MANIFEST} does not list {VECTORS}")
    try:
        rows = np.load(folder / VECTORS, mmap_mode="r", allow_pickle=False)
    except ValueError:
        raise _format_error(folder, f"{VECTORS} is corrupt") from None
    expected = (manifest["counts"]["sentences"], meta["dimension"])
    if rows.dtype != np.float16 or rows.shape != expected:
        raise _format_error(folder, f"{VECTORS} holds {rows.dtype} of shape {rows.shape}, "
                                    f"expected float16 of shape {expected}")
    rows = rows.view(np.ndarray)
    for start in range(0, len(rows), _CHECK_ROWS):
        if not np.isfinite(rows[start:start + _CHECK_ROWS]).all():
            raise _format_error(folder, f"{VECTORS} is corrupt (a value is not a finite number)")
    return SentenceVectors(meta["encoder"], meta["model_sha256"], rows)


def _read_json(path: Path):
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _format_error(path.parent, f"{path.name} is corrupt") from None


def _read_array(folder: Path, name: str) -> np.ndarray:
    dtype, ndim = _ARRAYS[name]
    try:
        array = np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
    except ValueError:
        raise _format_error(folder, f"{name}.npy is corrupt") from None
    if array.dtype != np.dtype(dtype) or array.ndim != ndim:
        raise _format_error(folder, f"{name}.npy holds {array.dtype} of {array.ndim} dimensions, "
                                    f"expected {dtype} of {ndim}")
    # A plain view of the same mapped memory: np.memmap's Python-level slicing costs more
    # than a small query does.
    return array.view(np.ndarray)


def _check_shapes(folder: Path, arrays: dict[str, np.ndarray], counts: dict, terms, columns) -> None:
    n_articles, n_sentences = counts["articles"], counts["sentences"]
    expected = {
        "offsets": len(terms) + 1, "positions": counts["postings"], "weights": counts["postings"],
        "by_impact": counts["postings"], "lengths": n_sentences, "forward_offsets": n_sentences + 1,
        "article_text_offsets": n_articles + 1, "paragraph_offsets": n_articles + 1,
        **{f"sentence_{c}": n_sentences for c in ("article", "paragraph", "number", "start", "end")},
    }
    problems = [name for name, length in expected.items() if len(arrays[name]) != length]
    if not isinstance(terms, list) or len(terms) != counts["terms"]:
        problems.append("vocabulary.json")
    if not isinstance(columns, dict) or any(len(columns[f]) != n_articles for f in _ARTICLE_FIELDS):
        problems.append("articles.json")
    if not problems:
        ends = {"offsets": "positions", "forward_offsets": "forward_terms",
                "article_text_offsets": "article_text", "paragraph_offsets": "paragraphs"}
        problems = [name for name, of in ends.items()
                    if arrays[name][0] != 0 or arrays[name][-1] != len(arrays[of])]
    if problems:
        raise _format_error(folder, f"{', '.join(problems)} do not match the manifest")


def _check_manifest(folder: Path, manifest: dict) -> None:
    files, counts, bm25 = manifest.get("files"), manifest.get("counts"), manifest.get("bm25")
    well_formed = (
        isinstance(files, dict) and all(isinstance(size, int) and size >= 0 for size in files.values())
        and all(isinstance(name, str) and name == Path(name).name for name in files)
        and isinstance(counts, dict)
        and all(isinstance(counts.get(key), int) and counts[key] >= 0
                for key in ("articles", "sentences", "terms", "postings"))
        and isinstance(bm25, dict) and set(bm25) == {"k1", "b", "epsilon"}
        and all(isinstance(value, (int, float)) and math.isfinite(value) for value in bm25.values())
        and isinstance(manifest.get("tokenizer"), dict)
    )
    if not well_formed:
        raise _format_error(folder, f"{MANIFEST} is malformed")


def _check_values(folder: Path, arrays: dict[str, np.ndarray], counts: dict) -> None:
    """Vectorised checks that every stored number points where it may, so a corrupt index
    of the right size is refused at load rather than failing, or answering nonsense, later."""
    n_sentences = counts["sentences"]

    def refuse(name: str, why: str) -> None:
        raise _format_error(folder, f"{name}.npy is corrupt ({why})")

    for name in ("offsets", "forward_offsets", "article_text_offsets", "paragraph_offsets"):
        if (np.diff(arrays[name]) < 0).any():
            refuse(name, "offsets go backwards")
    offsets, positions = arrays["offsets"], arrays["positions"]
    if len(positions) and (positions.min() < 0 or positions.max() >= n_sentences):
        refuse("positions", "a posting points past the sentences")
    weights = arrays["weights"]
    # min and max are NaN when any weight is, and infinite when any is.
    if len(weights) and not -_MAX_WEIGHT <= weights.min() <= weights.max() <= _MAX_WEIGHT:
        refuse("weights", "a weight is not a finite number")
    by_impact = arrays["by_impact"]
    postings_per_term = np.diff(offsets)
    used = postings_per_term > 0
    if len(by_impact) and (by_impact.min() < 0 or (np.maximum.reduceat(by_impact, offsets[:-1][used])
                                                   >= postings_per_term[used]).any()):
        refuse("by_impact", "an entry points outside its term's postings")
    if len(arrays["lengths"]) and arrays["lengths"].min() < 0:
        refuse("lengths", "a negative length")
    if (np.diff(arrays["forward_offsets"]) != arrays["lengths"]).any():
        refuse("forward_offsets", "a sentence's terms disagree with its length")
    forward_terms = arrays["forward_terms"]
    if len(forward_terms) and (forward_terms.min() < 0 or forward_terms.max() >= counts["terms"]):
        refuse("forward_terms", "a term id outside the vocabulary")

    text_bytes = np.diff(arrays["article_text_offsets"])
    paragraph_offsets, paragraphs = arrays["paragraph_offsets"], arrays["paragraphs"]
    paragraph_article = np.repeat(np.arange(len(text_bytes)), np.diff(paragraph_offsets))
    if len(paragraphs) and ((paragraphs[:, 0] < 0).any() or (paragraphs[:, 0] > paragraphs[:, 1]).any()
                            or (paragraphs[:, 1] > text_bytes[paragraph_article]).any()):
        refuse("paragraphs", "a paragraph lies outside its article's text")
    article = arrays["sentence_article"]
    if not n_sentences:
        return
    if article.min() < 0 or article.max() >= len(text_bytes) or (np.diff(article) < 0).any():
        refuse("sentence_article", "sentences are not in article order")
    paragraph = arrays["sentence_paragraph"].astype(np.int64)
    first = paragraph_offsets[article]
    if (paragraph < 1).any() or (first + paragraph > paragraph_offsets[article + 1]).any():
        refuse("sentence_paragraph", "a sentence names a paragraph its article lacks")
    if arrays["sentence_number"].min() < 1:
        refuse("sentence_number", "a sentence number below 1")
    spans = paragraphs[first + paragraph - 1]
    start, end = arrays["sentence_start"], arrays["sentence_end"]
    if (start < spans[:, 0]).any() or (start > end).any() or (end > spans[:, 1]).any():
        refuse("sentence_end" if (end > spans[:, 1]).any() else "sentence_start",
               "a sentence lies outside its paragraph")


class _StoredArticles(Sequence[Article]):
    """A saved corpus's articles, each made (and its text decoded) when first read."""

    def __init__(self, folder: Path, columns: dict, text: np.ndarray, text_offsets: np.ndarray,
                 paragraphs: np.ndarray, paragraph_offsets: np.ndarray):
        self._folder = folder
        self._columns = columns
        self._text = text
        self._text_offsets = text_offsets
        self._paragraphs = paragraphs
        self._paragraph_offsets = paragraph_offsets
        self._article = lru_cache(maxsize=4096)(self._make)

    def __len__(self) -> int:
        return len(self._columns["doc"])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self._article(i) for i in range(*index.indices(len(self))))
        if not -len(self) <= index < len(self):
            raise IndexError("article index out of range")
        return self._article(int(index) % len(self))

    def _make(self, index: int) -> Article:
        lo, hi = int(self._text_offsets[index]), int(self._text_offsets[index + 1])
        try:
            text = bytes(self._text[lo:hi]).decode("utf-8")
        except UnicodeDecodeError:
            raise _format_error(self._folder, "article_text.npy is corrupt") from None
        first, last = int(self._paragraph_offsets[index]), int(self._paragraph_offsets[index + 1])
        paragraphs = tuple((int(s), int(e)) for s, e in self._paragraphs[first:last].tolist())
        column = self._columns
        return Article(
            doc=column["doc"][index], title=column["title"][index], text=text, paragraphs=paragraphs,
            standfirst=column["standfirst"][index], byline=column["byline"][index],
            authors=tuple(column["authors"][index]), url=column["url"][index],
            date=column["date"][index], source=column["source"][index],
        )
