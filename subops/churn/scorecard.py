"""A binned logistic scorecard: quantile bins per feature, a ridge logistic regression on the
bin indicators, points = coefficient x (points to double the odds) / ln 2.

The scorecard is data (one row per feature bin plus the base row), so that SQL applies it
(models/marts/churn/churn_scores.sql). `score` applies it here the same way, on the rounded
points, so that the figures printed at training equal the backtest's.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

BASE_FEATURE = "(base)"
POINT_DECIMALS = 2
BOUND_DECIMALS = 6  # churn_feature_type() is decimal(18, 6)


@dataclass
class Bin:
    feature: str
    number: int
    lower: float | None  # inclusive; None = no lower bound
    upper: float | None  # exclusive; None = no upper bound
    is_missing: bool = False
    points: float = 0.0

    @property
    def label(self) -> str:
        if self.is_missing:
            return "missing"
        lower = "-inf" if self.lower is None else _fmt(self.lower)
        upper = "+inf" if self.upper is None else _fmt(self.upper)
        return f"[{lower}, {upper})"


def _fmt(value: float) -> str:
    return f"{value:.{BOUND_DECIMALS}f}".rstrip("0").rstrip(".")


def cut_points(values: np.ndarray, max_bins: int) -> list[float]:
    """Interior cut points at the quantiles of the non-missing values (distinct, rounded)."""
    present = values[~np.isnan(values)]
    if len(present) == 0:
        return []
    quantiles = np.quantile(present, np.arange(1, max_bins) / max_bins, method="higher")
    cuts = sorted({round(float(q), BOUND_DECIMALS) for q in quantiles})
    # a cut at or below the minimum would leave its lower bin empty
    return [c for c in cuts if c > present.min()]


def bins_for(feature: str, values: np.ndarray, max_bins: int) -> list[Bin]:
    cuts = cut_points(values, max_bins)
    edges = [None, *cuts, None]
    bins = [Bin(feature, i + 1, edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
    bins.append(Bin(feature, len(bins) + 1, None, None, is_missing=True))
    return bins


def bin_index(values: np.ndarray, bins: list[Bin]) -> np.ndarray:
    """Index into `bins` of each value (the missing bin for NaN)."""
    cuts = np.array([b.lower for b in bins if not b.is_missing and b.lower is not None], dtype=float)
    index = np.searchsorted(cuts, np.round(values, BOUND_DECIMALS), side="right")
    missing = next(i for i, b in enumerate(bins) if b.is_missing)
    return np.where(np.isnan(values), missing, index)


@dataclass
class Scorecard:
    features: list[str]
    bins: dict[str, list[Bin]]
    base_points: float
    points_to_double_odds: float

    def points(self, matrix: np.ndarray) -> np.ndarray:
        """Total points per row of `matrix` (columns in the order of `features`)."""
        total = np.full(matrix.shape[0], self.base_points)
        for j, feature in enumerate(self.features):
            bins = self.bins[feature]
            table = np.array([b.points for b in bins])
            total += table[bin_index(matrix[:, j], bins)]
        return np.round(total, POINT_DECIMALS)

    def probability(self, points: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-points * math.log(2) / self.points_to_double_odds))

    def rows(self) -> list[dict]:
        rows = [dict(feature_name=BASE_FEATURE, bin_number=0, bin_label="base points", is_missing_bin=False,
                     lower_bound=None, upper_bound=None, points=self.base_points)]
        for feature in self.features:
            for b in self.bins[feature]:
                rows.append(dict(feature_name=feature, bin_number=b.number, bin_label=b.label,
                                 is_missing_bin=b.is_missing, lower_bound=b.lower, upper_bound=b.upper,
                                 points=b.points))
        return rows


def fit(matrix: np.ndarray, labels: np.ndarray, features: list[str], *, max_bins: int, l2: float,
        points_to_double_odds: float) -> Scorecard:
    """Bin every feature on these rows and fit the ridge logistic regression by Newton steps."""
    bins = {f: bins_for(f, matrix[:, j], max_bins) for j, f in enumerate(features)}
    columns, offsets = [], []
    for j, feature in enumerate(features):
        index = bin_index(matrix[:, j], bins[feature])
        one_hot = np.zeros((len(index), len(bins[feature])))
        one_hot[np.arange(len(index)), index] = 1.0
        offsets.append(sum(c.shape[1] for c in columns))
        columns.append(one_hot)
    design = np.hstack([np.ones((matrix.shape[0], 1)), *columns])
    y = labels.astype(float)
    beta = np.zeros(design.shape[1])
    beta[0] = math.log(max(y.mean(), 1e-6) / max(1 - y.mean(), 1e-6))
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0  # the intercept is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (y - p) - penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    scale = points_to_double_odds / math.log(2)
    for j, feature in enumerate(features):
        for k, b in enumerate(bins[feature]):
            b.points = round(float(beta[1 + offsets[j] + k]) * scale, POINT_DECIMALS)
    return Scorecard(features, bins, round(float(beta[0]) * scale, POINT_DECIMALS), points_to_double_odds)
