"""A binned logistic scorecard: supervised bins per feature, a ridge logistic regression on the
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
LABEL_DECIMALS = 6  # bounds as shown in bin labels; the bounds themselves keep every bit


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
    return f"{value:.{LABEL_DECIMALS}f}".rstrip("0").rstrip(".")


def cut_points(values: np.ndarray, labels: np.ndarray, max_bins: int, min_share: float) -> list[float]:
    """Interior cut points chosen for the churn rate (supervised binning): candidate cuts at
    every distinct value of a feature with few values, else at 5% quantiles; then, top
    down, the split that most lowers the binomial deviance, until max_bins bins, while
    every bin keeps at least min_share of the non-missing rows. A count like service calls
    gets its bin at 4+ where quantiles would lump 3 and 9 together."""
    present = ~np.isnan(values)
    x, y = values[present], labels[present].astype(float)
    if len(x) == 0:
        return []
    distinct = np.unique(x)
    if len(distinct) <= 20:
        candidates = distinct[1:]
    else:
        candidates = np.unique(np.quantile(x, np.arange(1, 20) / 20, method="higher"))
        candidates = candidates[candidates > distinct[0]]
    order = np.argsort(x, kind="mergesort")
    x, y = x[order], y[order]
    minimum = max(1, int(np.ceil(min_share * len(x))))
    positions = np.searchsorted(x, candidates, side="left")  # rows below each candidate cut
    cumulative = np.concatenate([[0.0], np.cumsum(y)])
    segments = [(0, len(x))]
    cuts: list[float] = []
    while len(segments) < max_bins:
        best = None
        for index, (lo, hi) in enumerate(segments):
            for cut, at in zip(candidates, positions):
                if at - lo < minimum or hi - at < minimum:
                    continue
                gain = _deviance(cumulative, lo, hi) - _deviance(cumulative, lo, at) - _deviance(cumulative, at, hi)
                if best is None or gain > best[0]:
                    best = (gain, index, at, float(cut))
        if best is None or best[0] <= 1e-9:
            break
        _, index, at, cut = best
        lo, hi = segments.pop(index)
        segments[index:index] = [(lo, at), (at, hi)]
        cuts.append(cut)
    return sorted(cuts)


def _deviance(cumulative: np.ndarray, lo: int, hi: int) -> float:
    """Binomial deviance of rows lo..hi-1 around their own churn rate."""
    n, k = hi - lo, cumulative[hi] - cumulative[lo]
    if n == 0 or k == 0 or k == n:
        return 0.0
    p = k / n
    return -2.0 * (k * math.log(p) + (n - k) * math.log(1 - p))


def bins_for(feature: str, values: np.ndarray, labels: np.ndarray, max_bins: int, min_share: float) -> list[Bin]:
    cuts = cut_points(values, labels, max_bins, min_share)
    edges = [None, *cuts, None]
    bins = [Bin(feature, i + 1, edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
    bins.append(Bin(feature, len(bins) + 1, None, None, is_missing=True))
    return bins


def bin_index(values: np.ndarray, bins: list[Bin]) -> np.ndarray:
    """Index into `bins` of each value (the missing bin for NaN)."""
    cuts = np.array([b.lower for b in bins if not b.is_missing and b.lower is not None], dtype=float)
    index = np.searchsorted(cuts, values, side="right")
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


def fit(matrix: np.ndarray, labels: np.ndarray, features: list[str], *, max_bins: int, min_bin_share: float,
        l2: float, points_to_double_odds: float) -> Scorecard:
    """Bin every feature on these rows and fit the ridge logistic regression by Newton steps."""
    bins = {f: bins_for(f, matrix[:, j], labels, max_bins, min_bin_share) for j, f in enumerate(features)}
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
    def objective(b: np.ndarray) -> float:  # penalised log-likelihood, to be maximised
        z = design @ b
        return float(y @ z - np.logaddexp(0.0, z).sum() - 0.5 * (penalty * b * b).sum())

    current = objective(beta)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -30, 30)))
        gradient = design.T @ (y - p) - penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        # step halving: indicators of one feature's missing bin often coincide with another's
        # (all baselines are null in a first month), where full Newton steps can overshoot
        size = 1.0
        while size > 1e-6 and objective(beta + size * step) < current:
            size /= 2
        beta += size * step
        improved = objective(beta)
        if abs(improved - current) < 1e-9 * max(1.0, abs(current)) or np.max(np.abs(size * step)) < 1e-7:
            break
        current = improved
    scale = points_to_double_odds / math.log(2)
    for j, feature in enumerate(features):
        for k, b in enumerate(bins[feature]):
            b.points = round(float(beta[1 + offsets[j] + k]) * scale, POINT_DECIMALS)
    return Scorecard(features, bins, round(float(beta[0]) * scale, POINT_DECIMALS), points_to_double_odds)
