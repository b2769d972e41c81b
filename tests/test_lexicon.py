"""The shipped word lists: each names its source and loads; one folding routine."""
from __future__ import annotations

from importlib import resources

import pytest

from retrieval import lexicon, text

DATA = resources.files("retrieval").joinpath("data")
WORD_LISTS = sorted(p.name for p in DATA.iterdir() if p.name.endswith(".txt")
                    and p.name != "foreign-policy-russia-troops-belarus.txt")


@pytest.mark.parametrize("name", WORD_LISTS)
def test_every_word_list_names_its_source_and_loads(name):
    header = [line for line in DATA.joinpath(name).read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert any(line.startswith("# Source:") for line in header), name
    assert lexicon.load_data_lines(name)


def test_the_lexicon_s_tables():
    assert {"mr", "u.s", "calif"} <= lexicon.abbreviations()
    assert lexicon.places()["ukrainian"] == "Ukraine"
    assert "minister" in lexicon.titles()


def test_text_folds_with_the_lexicon_s_one_routine():
    assert text.fold is lexicon.fold
    assert lexicon.fold("\u201cA\u2013B\u201d") == '"a-b"'


def test_wordnet_synonyms_are_stems_both_ways():
    table = lexicon.synonyms()
    assert {"commenc", "begin"} <= set(table["start"]) and "start" in table["commenc"]
    assert all(term in table[other] for term, others in list(table.items())[:500] for other in others)
    assert all(term not in others for term, others in table.items())
