"""Saved indexes: round trip, atomic replacement, and clear errors for damaged folders."""
import io
import json
import os
import stat
import time

import numpy as np
import pytest

from bot.cli import EXIT_INPUT, EXIT_OK, main
from retrieval import Engine, IndexFormatError, IndexWriteError, SentenceIndex, Tokenizer, store

QUESTIONS = ("How many troops has Russia sent to Belarus?", "Who is the Polish foreign minister?",
             "What weapons were deployed?", "When did the exercises start?", "zebra giraffe")
REBUILD = "factbot index build"


@pytest.fixture(scope="module")
def saved(bundled_engine, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved") / "index"
    bundled_engine.save(folder)
    return folder


@pytest.fixture
def copy_of_saved(saved, tmp_path):
    folder = tmp_path / "index"
    folder.mkdir()
    for file in saved.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    return folder


def _load_error(folder) -> str:
    with pytest.raises(IndexFormatError) as raised:
        Engine.from_index(folder)
    message = str(raised.value)
    assert REBUILD in message and f"-o {folder}" in message and "\n" not in message
    return message


def test_round_trip_gives_identical_answers(bundled_engine, saved):
    loaded = Engine.from_index(saved)
    for question in QUESTIONS:
        assert loaded.ask(question, 5) == bundled_engine.ask(question, 5)
    assert loaded.check("Russia has sent 30,000 troops to Belarus.") == \
        bundled_engine.check("Russia has sent 30,000 troops to Belarus.")
    assert list(loaded.corpus.sentences) == list(bundled_engine.corpus.sentences)
    assert list(loaded.corpus.articles) == list(bundled_engine.corpus.articles)
    assert loaded.sources() == bundled_engine.sources()
    assert loaded.context("4.1") == bundled_engine.context("4.1")
    assert loaded.index.vocabulary == bundled_engine.index.vocabulary
    assert loaded.index.params == bundled_engine.index.params
    assert [loaded.index.sentence_terms(p) for p in range(len(loaded.index))] == \
        [bundled_engine.index.sentence_terms(p) for p in range(len(bundled_engine.index))]


def test_loading_maps_the_arrays_instead_of_reading_them(saved):
    loaded = Engine.from_index(saved)
    for array in (loaded.index.positions, loaded.index.weights, loaded.index.forward_terms,
                  loaded.corpus.spans.start):
        assert isinstance(array.base, np.memmap) and not array.flags.writeable


def test_several_articles_keep_their_metadata(two_article_engine, tmp_path):
    two_article_engine.save(tmp_path / "index")
    loaded = Engine.from_index(tmp_path / "index")
    assert list(loaded.corpus.articles) == list(two_article_engine.corpus.articles)
    doc = two_article_engine.corpus.articles[1].doc
    assert loaded.sentence_at(f"{doc}:1.1") == two_article_engine.sentence_at(f"{doc}:1.1")
    question = "When will construction begin?"
    assert loaded.ask(question) == two_article_engine.ask(question)


def test_saving_again_replaces_the_index_and_leaves_no_temporary_folders(bundled_engine,
                                                                          two_article_engine, tmp_path):
    bundled_engine.save(tmp_path / "index")
    two_article_engine.save(tmp_path / "index")
    assert os.listdir(tmp_path) == ["index"]
    assert Engine.from_index(tmp_path / "index").sources() == two_article_engine.sources()


def test_a_failed_save_leaves_the_previous_index(bundled_engine, two_article_engine, tmp_path, monkeypatch):
    bundled_engine.save(tmp_path / "index")
    real_save, written = np.save, []

    def failing_save(file, array, allow_pickle):
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(array)
        real_save(file, array, allow_pickle=allow_pickle)

    monkeypatch.setattr(store.np, "save", failing_save)
    with pytest.raises(IndexWriteError, match="No space left on device"):
        two_article_engine.save(tmp_path / "index")
    assert os.listdir(tmp_path) == ["index"]
    monkeypatch.undo()
    assert Engine.from_index(tmp_path / "index").ask(QUESTIONS[0]) == bundled_engine.ask(QUESTIONS[0])


def test_a_folder_that_is_not_an_index_is_never_replaced(bundled_engine, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(IndexWriteError, match="not a factbot index"):
        bundled_engine.save(tmp_path)
    assert os.listdir(tmp_path) == ["notes.txt"]


def _rewrite_manifest(folder, change):
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _truncate(folder, name):
    data = (folder / name).read_bytes()
    (folder / name).write_bytes(data[: len(data) // 2])


def _overwrite_start(folder, name):
    data = (folder / name).read_bytes()
    (folder / name).write_bytes(b"\x00garbage!" + data[9:])


DAMAGE = {
    "truncated postings": (lambda f: _truncate(f, "positions.npy"), "positions.npy"),
    "truncated vocabulary": (lambda f: _truncate(f, "vocabulary.json"), "vocabulary.json"),
    "corrupt array header": (lambda f: _overwrite_start(f, "weights.npy"), "weights.npy is corrupt"),
    "corrupt metadata": (lambda f: _overwrite_start(f, "articles.json"), "articles.json is corrupt"),
    "corrupt manifest": (lambda f: (f / "manifest.json").write_text("{not json"), "manifest.json is corrupt"),
    "missing array": (lambda f: (f / "offsets.npy").unlink(), "offsets.npy is missing"),
    "missing manifest": (lambda f: (f / "manifest.json").unlink(), "manifest.json is missing"),
    "wrong version": (lambda f: _rewrite_manifest(f, lambda m: m.update(version=99)), "version 99"),
    "other tokenizer": (lambda f: _rewrite_manifest(f, lambda m: m["tokenizer"].update(version=-1)),
                        "tokenizer"),
    "counts disagree": (lambda f: _rewrite_manifest(f, lambda m: m["counts"].update(sentences=7)),
                        "do not match"),
    "not a manifest": (lambda f: (f / "manifest.json").write_text("[1, 2]"), "not a factbot index"),
}


def _alter(folder, name, change):
    """Rewrites one array with some values changed: same dtype and shape, same file size."""
    array = np.load(folder / f"{name}.npy", allow_pickle=False).copy()
    change(array)
    np.save(folder / f"{name}.npy", array, allow_pickle=False)


def _swap_first_unequal(array):
    i = int(np.flatnonzero(np.diff(array) > 0)[5])
    array[i], array[i + 1] = array[i + 1], array[i]


def _shift_one_boundary(array):
    """Moves one sentence's first term to the sentence before it: still ascending."""
    i = int(np.flatnonzero(np.diff(array) > 0)[5]) + 1
    array[i] -= 1


def _make_version_1(folder):
    """The index as factbot wrote it before the forward index."""
    for name in ("forward_offsets.npy", "forward_terms.npy"):
        (folder / name).unlink()

    def downgrade(manifest):
        manifest["version"] = 1
        for name in ("forward_offsets.npy", "forward_terms.npy"):
            del manifest["files"][name]
    _rewrite_manifest(folder, downgrade)


DAMAGE.update({
    "posting past the sentences": (lambda f: _alter(f, "positions", lambda a: a.__setitem__(0, 10**6)),
                                   "positions.npy is corrupt"),
    "negative posting": (lambda f: _alter(f, "positions", lambda a: a.__setitem__(-1, -1)), "positions.npy"),
    "NaN weight": (lambda f: _alter(f, "weights", lambda a: a.__setitem__(5, np.nan)), "weights.npy"),
    "infinite weight": (lambda f: _alter(f, "weights", lambda a: a.__setitem__(5, np.inf)), "weights.npy"),
    "offsets backwards": (lambda f: _alter(f, "offsets", _swap_first_unequal), "offsets.npy"),
    "by_impact out of its term": (lambda f: _alter(f, "by_impact", lambda a: a.__setitem__(0, 10**6)),
                                  "by_impact.npy"),
    "huge sentence_end": (lambda f: _alter(f, "sentence_end", lambda a: a.__setitem__(3, 10**6)),
                          "sentence_end.npy"),
    "sentence_end past its paragraph": (lambda f: _alter(f, "sentence_end", lambda a: a.__setitem__(0, a[-1])),
                                        "sentence_end.npy"),
    "sentence of another article": (lambda f: _alter(f, "sentence_article", lambda a: a.__setitem__(0, 7)),
                                    "sentence_article.npy"),
    "paragraph past the text": (lambda f: _alter(f, "paragraphs", lambda a: a.__setitem__((0, 1), 10**8)),
                                "paragraphs.npy"),
    "files is a list": (lambda f: _rewrite_manifest(f, lambda m: m.update(files=[])), "malformed"),
    "counts is text": (lambda f: _rewrite_manifest(f, lambda m: m.update(counts="many")), "malformed"),
    "NaN bm25 parameter": (lambda f: _rewrite_manifest(f, lambda m: m["bm25"].update(k1=float("nan"))),
                           "malformed"),
    "forward term outside the vocabulary": (lambda f: _alter(f, "forward_terms", lambda a: a.__setitem__(0, 10**6)),
                                            "forward_terms.npy is corrupt"),
    "negative forward term": (lambda f: _alter(f, "forward_terms", lambda a: a.__setitem__(-1, -1)),
                              "forward_terms.npy is corrupt"),
    "forward offsets backwards": (lambda f: _alter(f, "forward_offsets", _swap_first_unequal),
                                  "forward_offsets.npy is corrupt"),
    "forward offsets disagree with lengths": (lambda f: _alter(f, "forward_offsets", _shift_one_boundary),
                                              "forward_offsets.npy is corrupt"),
    "forward offsets end early": (lambda f: _alter(f, "forward_offsets", lambda a: a.__setitem__(-1, a[-1] - 1)),
                                  "forward_offsets do not match"),
    "truncated forward terms": (lambda f: _truncate(f, "forward_terms.npy"), "forward_terms.npy"),
    "missing forward index": (lambda f: (f / "forward_terms.npy").unlink(), "forward_terms.npy is missing"),
    "index of format version 1": (_make_version_1, "format version 1, this factbot reads version 2"),
})


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_index_names_the_rebuild_command(copy_of_saved, damage):
    harm, said = DAMAGE[damage]
    harm(copy_of_saved)
    assert said in _load_error(copy_of_saved)


def test_a_valid_index_never_scores_nan(saved):
    loaded = Engine.from_index(saved)
    assert np.isfinite(loaded.index.weights).all()
    for question in QUESTIONS:
        for cited in loaded.ask(question).citations:
            assert np.isfinite(cited.score)
            json.dumps(cited.score, allow_nan=False)


def test_a_missing_folder_names_the_rebuild_command(tmp_path):
    assert "no such folder" in _load_error(tmp_path / "nowhere")


def test_a_read_only_index_loads(copy_of_saved, bundled_engine):
    modes = {path: path.stat().st_mode for path in [*copy_of_saved.iterdir(), copy_of_saved]}
    try:
        for path in modes:
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH | (stat.S_IXUSR if path.is_dir() else 0))
        assert Engine.from_index(copy_of_saved).ask(QUESTIONS[1]) == bundled_engine.ask(QUESTIONS[1])
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def test_cli_builds_an_index_and_answers_from_it(harbor_path, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    folder = tmp_path / "index"
    assert main(["index", "build", str(harbor_path), "-o", str(folder)], stdout=out, stderr=err) == EXIT_OK
    assert "indexed" in out.getvalue() and str(folder) in out.getvalue()
    question = "When is construction expected to begin?"
    from_index, from_corpus = io.StringIO(), io.StringIO()
    assert main(["ask", "--json", question, "--index", str(folder)], stdout=from_index) == EXIT_OK
    assert main(["ask", "--json", question, "--corpus", str(harbor_path)], stdout=from_corpus) == EXIT_OK
    assert from_index.getvalue() == from_corpus.getvalue()


def test_cli_reports_a_bad_index_in_one_line(tmp_path):
    err = io.StringIO()
    assert main(["ask", "anything", "--index", str(tmp_path / "none")], stdout=io.StringIO(),
                stderr=err) == EXIT_INPUT
    assert err.getvalue().count("\n") == 1 and REBUILD in err.getvalue()


def test_an_index_keeps_the_tokenizer_it_was_built_with(tmp_path, bundled_engine):
    """An index built without the paraphrase table saves, loads with that tokenizer, and
    answers as the engine that built it."""
    plain = Engine(*_plain_corpus_and_index(bundled_engine), Tokenizer(paraphrase=False))
    plain.save(tmp_path / "plain")
    loaded = Engine.from_index(tmp_path / "plain")
    assert loaded.tokenizer == Tokenizer(paraphrase=False)
    for question in QUESTIONS:
        assert loaded.ask(question, 5) == plain.ask(question, 5)
    claim = "Russia has sent 30,000 troops to Belarus."
    assert loaded.check(claim) == plain.check(claim)


def _plain_corpus_and_index(engine: Engine):
    tokenizer = Tokenizer(paraphrase=False)
    corpus = engine.corpus
    index = SentenceIndex.build([tokenizer.tokens(s.text) for s in corpus.sentences])
    return corpus, index


def test_an_index_is_made_with_the_umasks_modes(bundled_engine, tmp_path):
    previous = os.umask(0o022)
    try:
        bundled_engine.save(tmp_path / "index")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "index").stat().st_mode) == 0o755
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "index").iterdir()} == {0o644}


def test_an_unreadable_index_says_permission_denied_not_rebuild(copy_of_saved, monkeypatch):
    def denied(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(store.np, "load", denied)
    with pytest.raises(IndexFormatError) as raised:
        Engine.from_index(copy_of_saved)
    message = str(raised.value)
    assert "permission denied reading " in message and REBUILD not in message and "\n" not in message


def _leftover(parent, name, age_seconds=0):
    folder = parent / name
    folder.mkdir()
    (folder / "positions.npy").write_bytes(b"partial")
    if age_seconds:
        then = time.time() - age_seconds
        os.utime(folder, (then, then))
    return folder


@pytest.mark.parametrize("action", ["load", "save"])
def test_temporary_folders_of_killed_saves_are_removed(bundled_engine, tmp_path, action):
    bundled_engine.save(tmp_path / "index")
    host = store._host()
    dead = _leftover(tmp_path, f".index.tmp-999999999@{host}-0badc0de")  # no such process
    running = _leftover(tmp_path, f".index.tmp-{os.getppid()}@{host}-0badc0de")  # a save in progress
    elsewhere = _leftover(tmp_path, ".index.tmp-123@another-host-0badc0de")
    old_style = _leftover(tmp_path, ".index.tmp-k2j4h5", age_seconds=store.STALE_AFTER_SECONDS + 60)
    recent_old_style = _leftover(tmp_path, ".index.tmp-x8y7z6")
    if action == "load":
        Engine.from_index(tmp_path / "index")
    else:
        bundled_engine.save(tmp_path / "index")
    assert not dead.exists() and not old_style.exists()
    assert running.exists() and elsewhere.exists() and recent_old_style.exists()
