"""The plumbing every front end shares: engine loading, k, refs, labels, counts, exit codes."""
from __future__ import annotations

import subprocess
import sys

import pytest

import retrieval
from bot import frontend
from bot.frontend import ExitCode


def test_k_limits_agree_with_the_core():
    assert (frontend.DEFAULT_K, frontend.MAX_K) == (retrieval.DEFAULT_K, retrieval.MAX_K)


def test_exit_codes_keep_their_numbers():
    assert [int(c) for c in (ExitCode.OK, ExitCode.INPUT, ExitCode.USAGE, ExitCode.INTERRUPTED)] == [0, 1, 2, 130]


@pytest.mark.parametrize("value,k", [("1", 1), (" 7 ", 7), (str(retrieval.MAX_K), retrieval.MAX_K), (4, 4)])
def test_parse_k_accepts_whole_numbers_in_range(value, k):
    assert frontend.parse_k(value) == k


@pytest.mark.parametrize("value", ["", "0", "-1", str(retrieval.MAX_K + 1), "two", "1.5", "\u00b2", "+3"])
def test_parse_k_refuses_with_a_message(value):
    with pytest.raises(ValueError, match=f"k must be a whole number from 1 to {retrieval.MAX_K}"):
        frontend.parse_k(value)


@pytest.mark.parametrize("text,ref", [
    ("5.1", "5.1"), ("(5.1)", "5.1"), ("[5.1]", "5.1"), (" [ 5.1 ] ", "5.1"),
    ("doc:5.1", "doc:5.1"), ("[harbor:5.1]", "harbor:5.1"), ("(harbor:12.3)", "harbor:12.3"),
    ("nonsense", "nonsense"), ("", ""),
])
def test_parse_ref_reads_refs_as_shown(text, ref):
    assert frontend.parse_ref(text) == ref


def test_parse_ref_spells_the_doc_as_loaded():
    assert frontend.parse_ref("[HARBOR:5.1]", ["ferry", "harbor"]) == "harbor:5.1"
    assert frontend.parse_ref("Other:5.1", ["ferry", "harbor"]) == "Other:5.1"


def test_ref_label_names_the_article_only_when_several(harbor_engine):
    citation = harbor_engine.ask("When will construction begin?").citations[0]
    assert frontend.ref_label(citation, False) == "3.1"
    assert frontend.ref_label(citation, True) == f"{citation.doc}:3.1"


def test_load_engine_sources(harbor_path, tmp_path):
    engine = frontend.load_engine([harbor_path])
    assert not frontend.several_articles(engine)
    engine.save(tmp_path / "index")
    loaded = frontend.load_engine(index=tmp_path / "index")
    assert loaded.ask("When will construction begin?") == engine.ask("When will construction begin?")
    assert "30,000" in frontend.load_engine().ask("How many troops has Russia sent to Belarus?").citations[0].sentence


@pytest.mark.parametrize("number,text", [(0, "0 articles"), (1, "1 article"), (2, "2 articles"),
                                         (1204, "1,204 articles")])
def test_count_says_plurals(number, text):
    assert frontend.count(number, "article") == text


@pytest.mark.parametrize("module", ["bot.cli", "bot.frontend", "bot.render"])
def test_front_end_modules_import_without_the_core(module):
    code = (f"import sys, {module}; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'nltk', 'numpy', 'discord', 'retrieval'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
