"""The training scripts' regression: deterministic, and it learns what the data says."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from training.logistic import (fit_binary, fit_conditional, fit_softmax, folds_by_article, predict_binary,
                               predict_softmax)

ROOT = Path(__file__).resolve().parents[1]


def _data(seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] - 2 * x[:, 1] + 0.1 * rng.normal(size=400) > 0).astype(float)
    return x, y


def test_binary_fit_separates_and_repeats_bit_for_bit():
    x, y = _data()
    model = fit_binary(x, y, np.ones(len(y)), l2=1.0)
    assert ((predict_binary(model, x) > 0.5) == (y == 1)).mean() > 0.95
    again = fit_binary(x, y, np.ones(len(y)), l2=1.0)
    assert all(np.array_equal(a, b) for a, b in zip(model, again))


def test_softmax_fit_learns_three_classes():
    x, y = _data(1)
    classes = np.where(x[:, 2] > 1, 2, y.astype(int))
    model = fit_softmax(x, classes, 3, np.ones(len(y)), l2=1.0)
    p = predict_softmax(model, x)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert (p.argmax(axis=1) == classes).mean() > 0.9


def test_conditional_fit_ranks_each_groups_right_item_first_and_repeats_bit_for_bit():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(600, 3))
    group = np.repeat(np.arange(60), 10)
    utility = 2 * x[:, 0] - x[:, 2]
    right = np.array([g * 10 + int(np.argmax(utility[g * 10:(g + 1) * 10])) for g in range(60)])
    targets = np.zeros(600)
    targets[right] = 1.0
    model = fit_conditional(x, targets, group, l2=1.0)
    mean, scale, w = model
    scores = ((x - mean) / scale) @ w
    assert (scores.reshape(60, 10).argmax(axis=1) + np.arange(60) * 10 == right).mean() > 0.9
    assert w[0] > 0 > w[2] and abs(w[1]) < w[0]
    assert all(np.array_equal(a, b) for a, b in zip(model, fit_conditional(x, targets, group, l2=1.0)))


def test_folds_keep_an_article_together():
    docs = ["b", "a", "b", "c", "a", "d"]
    folds = folds_by_article(docs, 2)
    assert folds[0] == folds[2] and folds[1] == folds[4]
    assert set(folds) == {0, 1}


@pytest.mark.skipif(not Path("/usr/share/wordnet/data.noun").is_file() and not os.environ.get("FACTBOT_REQUIRE_WORDNET"),
                    reason="needs Debian's wordnet-base (.ci/run installs it)")
def test_the_synonym_table_rebuilds_byte_for_byte(tmp_path):
    out = tmp_path / "synonyms-en.txt"
    subprocess.run([sys.executable, str(ROOT / "training" / "synonyms.py"), "--out", str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == (ROOT / "retrieval" / "data" / "synonyms-en.txt").read_bytes()
