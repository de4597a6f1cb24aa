"""Ranking metrics of a churn score, computed the way the dbt backtest computes them."""
from __future__ import annotations

import numpy as np


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """ROC AUC: the chance that a churner scores above a stayer, ties counting half."""
    labels = labels.astype(bool)
    positives, negatives = labels.sum(), (~labels).sum()
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    # average ranks over ties (1-based)
    ranks = np.empty(len(scores))
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    for start, count in zip(first, counts):
        ranks[start:start + count] = start + (count + 1) / 2.0
    rank_of = np.empty(len(scores))
    rank_of[order] = ranks
    return float((rank_of[labels].sum() - positives * (positives + 1) / 2.0) / (positives * negatives))


def deciles(scores: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Decile 1..10 per row as SQL's ntile(10) over (order by score desc, key) assigns it."""
    n = len(scores)
    order = np.lexsort((keys, -scores))
    sizes = np.full(10, n // 10) + (np.arange(10) < n % 10)
    decile_of_position = np.repeat(np.arange(1, 11), sizes)
    result = np.empty(n, dtype=int)
    result[order] = decile_of_position
    return result


def top_decile_lift(scores: np.ndarray, labels: np.ndarray, keys: np.ndarray) -> float:
    labels = labels.astype(float)
    if len(labels) < 10 or labels.mean() == 0:
        return float("nan")
    top = deciles(scores, keys) == 1
    return float(labels[top].mean() / labels.mean())


def summary(scores: np.ndarray, labels: np.ndarray, keys: np.ndarray) -> dict:
    value = auc(scores, labels)
    return {
        "rows": int(len(labels)),
        "churners": int(labels.sum()),
        "churn_rate": round(float(labels.mean()), 6) if len(labels) else None,
        "auc": round(value, 6),
        "gini": round(2 * value - 1, 6),
        "top_decile_lift": round(top_decile_lift(scores, labels, keys), 6),
    }
