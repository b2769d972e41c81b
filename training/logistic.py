"""Logistic regression for the shipped models, in numpy alone: binary, multinomial and
conditional (a softmax over each group's items), L2 penalised, fitted by Newton's method on
standardised features, so the same data gives the same weights on any machine; and folds
that keep each article's items together."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def fit_binary(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float):
    """(mean, scale, weights with the bias last) of a weighted L2 logistic regression."""
    mean, scale = standardise(x)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.r_[np.full(z.shape[1] - 1, l2), 0.0]
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        gradient = z.T @ (weight * (p - y)) + penalty * w
        hessian = (z.T * (weight * p * (1 - p))) @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return mean, scale, w


def predict_binary(model, x: np.ndarray) -> np.ndarray:
    mean, scale, w = model
    return 1.0 / (1.0 + np.exp(-(((x - mean) / scale) @ w[:-1] + w[-1])))


def fit_softmax(x: np.ndarray, y: np.ndarray, classes: int, weight: np.ndarray, l2: float):
    """(mean, scale, W of shape (classes, features + 1) with the bias last) of a weighted
    L2 multinomial logistic regression; class 0's row is fixed at zero (identifiable)."""
    mean, scale = standardise(x)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    n, d = z.shape
    free = classes - 1
    w = np.zeros((free, d))
    onehot = np.eye(classes)[y][:, 1:]
    penalty = np.tile(np.r_[np.full(d - 1, l2), 0.0], free)
    for _ in range(100):
        logits = np.hstack([np.zeros((n, 1)), z @ w.T])
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        q = p[:, 1:]
        gradient = ((weight[:, None] * (q - onehot)).T @ z).ravel() + penalty * w.ravel()
        hessian = np.zeros((free * d, free * d))
        for a in range(free):
            for b in range(free):
                c = weight * q[:, a] * ((a == b) - q[:, b])
                hessian[a * d:(a + 1) * d, b * d:(b + 1) * d] = (z.T * c) @ z
        hessian += np.diag(penalty)
        step = np.linalg.solve(hessian, gradient).reshape(free, d)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return mean, scale, np.vstack([np.zeros((1, d)), w])


def predict_softmax(model, x: np.ndarray) -> np.ndarray:
    mean, scale, w = model
    logits = ((x - mean) / scale) @ w[:, :-1].T + w[:, -1]
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def fit_conditional(x: np.ndarray, targets: np.ndarray, group: np.ndarray, l2: float):
    """(mean, scale, weights) of an L2 conditional logit: within each group (one question's
    candidates, numbered 0..G-1 in `group`) p(item) is the softmax of `weights` . standardised
    x, fitted to `targets` (each group's summing to 1). Newton's method with step halving,
    since the log-likelihood can overshoot on a full step from zero."""
    mean, scale = standardise(x)
    z = (x - mean) / scale
    groups = int(group.max()) + 1
    w = np.zeros(z.shape[1])

    def probabilities(w):
        s = z @ w
        top = np.full(groups, -np.inf)
        np.maximum.at(top, group, s)
        e = np.exp(s - top[group])
        total = np.bincount(group, weights=e, minlength=groups)
        return s, e / total[group], np.log(total)[group] + top[group]

    def loss(w):
        s, _, log_total = probabilities(w)
        return -(targets * (s - log_total)).sum() + 0.5 * l2 * w @ w

    for _ in range(100):
        _, p, _ = probabilities(w)
        gradient = z.T @ (p - targets) + l2 * w
        expected = np.zeros((groups, z.shape[1]))
        np.add.at(expected, group, p[:, None] * z)
        hessian = (z * p[:, None]).T @ z - expected.T @ expected + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        current, size = loss(w), 1.0
        while loss(w - size * step) > current and size > 1e-6:
            size /= 2
        w = w - size * step
        if np.abs(size * step).max() < 1e-10:
            break
    return mean, scale, w


def folds_by_article(docs: list[str], folds: int) -> np.ndarray:
    """Each item's fold: articles sorted by name and dealt round-robin, so an article's
    items are never in two folds."""
    fold_of = {doc: i % folds for i, doc in enumerate(sorted(set(docs)))}
    return np.array([fold_of[doc] for doc in docs])


def rounded(values) -> list:
    return [rounded(v) if isinstance(v, (list, np.ndarray)) else round(float(v), 6) for v in values]


def save_model(path: Path, model: dict) -> None:
    """The model as plain JSON, keys sorted, so the same fit writes the same bytes."""
    path.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path}")
