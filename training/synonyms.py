"""Build `retrieval/data/synonyms-en.txt`: one-word synonyms from Princeton WordNet 3.0.

    python training/synonyms.py [--wordnet /usr/share/wordnet] [--out PATH]

The WordNet database files come from Debian's `wordnet-base` package (`apt-get install
wordnet-base`; WordNet 3.0 licence, permissive, its notice is copied into the output). For
every one-word lemma, the synset of its first (most frequent) sense gives its synonyms: the
synset's other one-word lemmas. Both sides are stemmed with factbot's Snowball stemmer, stop
words and pairs that stem alike are dropped, and the relation is made symmetric. A word's
rarer senses are left out, so "drill" is not a synonym of "bore" through the tool, but a
synonym may be a rarer sense of the other word (measured on SQuAD v1.1 dev and the news
development questions, docs/QUALITY.md: first senses on both sides found fewer paraphrases,
first three senses no more). Each output line is a stem and its synonyms' stems, sorted, so
the same WordNet rebuilds the same bytes.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.lexicon import stopwords  # noqa: E402
from retrieval.text import stem  # noqa: E402

PARTS_OF_SPEECH = ("noun", "verb", "adj", "adv")
NOTICE = """\
# One-word synonyms for factbot's evidence stage, as Snowball stems: a line is a stem and the
# stems of its synonyms. Made by training/synonyms.py: a word's first sense's synset gives its
# synonyms; see that script.
# Source: Princeton WordNet 3.0 (Debian's wordnet-base package), under the licence below.
#
# WordNet 3.0 licence. This software and database is being provided to you, the LICENSEE, by
# Princeton University under the following license. By obtaining, using and/or copying this
# software and database, you agree that you have read, understood, and will comply with these
# terms and conditions.: Permission to use, copy, modify and distribute this software and
# database and its documentation for any purpose and without fee or royalty is hereby granted,
# provided that you agree to comply with the following copyright notice and statements,
# including the disclaimer, and that the same appear on ALL copies of the software, database
# and documentation, including modifications that you make for internal use or for
# distribution. WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO
# REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION,
# PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANT- ABILITY OR FITNESS
# FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR
# DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER
# RIGHTS. The name of Princeton University or Princeton may not be used in advertising or
# publicity pertaining to distribution of the software and/or database. Title to copyright in
# this software, database and any associated documentation shall at all times remain with
# Princeton University and LICENSEE agrees to preserve same.
"""


def synset_lemmas(path: Path) -> dict[str, list[str]]:
    """Each synset's offset and its lemmas, lower-case, from a `data.POS` file (wndb(5WN))."""
    synsets = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):  # the licence header
            continue
        fields = line.split()
        count = int(fields[3], 16)
        # An adjective's lemma may carry a syntactic marker: "galore(ip)".
        synsets[fields[0]] = [fields[4 + 2 * i].lower().split("(")[0] for i in range(count)]
    return synsets


def first_senses(path: Path) -> dict[str, str]:
    """Each lemma's first sense (its most frequent synset's offset), from an `index.POS` file."""
    senses = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        fields = line.split()
        pointer_kinds = int(fields[3])
        senses[fields[0]] = fields[4 + pointer_kinds + 2]
    return senses


def synonyms(wordnet: Path) -> dict[str, set[str]]:
    stop = stopwords()
    related: dict[str, set[str]] = defaultdict(set)
    for part in PARTS_OF_SPEECH:
        lemmas = synset_lemmas(wordnet / f"data.{part}")
        for lemma, sense in first_senses(wordnet / f"index.{part}").items():
            if not lemma.isalpha() or lemma in stop:
                continue
            for other in lemmas[sense]:
                if other == lemma or not other.isalpha() or other in stop:
                    continue
                a, b = stem(lemma), stem(other)
                if a != b:
                    related[a].add(b)
                    related[b].add(a)
    return related


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"),
                        help="WordNet 3.0's dict folder (data.noun, index.noun, ...)")
    parser.add_argument("--out", type=Path, default=ROOT / "retrieval" / "data" / "synonyms-en.txt")
    args = parser.parse_args()
    if not (args.wordnet / "data.noun").is_file():
        parser.error(f"no WordNet database in {args.wordnet}: apt-get install wordnet-base")
    related = synonyms(args.wordnet)
    lines = [" ".join([term, *sorted(related[term])]) for term in sorted(related)]
    args.out.write_text(NOTICE + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(lines):,} terms, {sum(map(len, related.values())):,} synonyms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
