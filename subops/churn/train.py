"""`subops churn train`: fit the scorecard, validate it on rows it never saw, write the seeds."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import numpy as np

from . import metrics
from .data import labelled_rows, points_to_double_odds, served_database, split_keys
from .scorecard import fit

# Risk bands: share of the training rows at or above each band's cut-off, highest first.
RISK_BANDS = (("high", 0.10), ("medium", 0.30))
SCORECARD_FILE = "churn_scorecard.csv"
BANDS_FILE = "churn_risk_bands.csv"
SUMMARY_FILE = "churn_scorecards.json"  # training summary per card name
CV_FOLDS = 3
CV_MAX_ROWS = 60_000


def train(args) -> int:
    from subops.cli import UserError

    database = served_database(args.warehouse_dir)
    features, data = labelled_rows(database)
    if len(data["labels"]) == 0:
        raise UserError("no labelled subscriber-months (is_churned_next_month) in churn.churn_features: "
                        "the warehouse needs at least two snapshot months")
    train_rows, evaluate_rows, design = _split(args, data)
    if data["labels"][train_rows].sum() == 0 or data["labels"][train_rows].min() == 1:
        raise UserError("the training rows hold only one outcome (all churners or none): cannot fit")

    pdo = points_to_double_odds()
    max_bins, cv_auc = _choose_max_bins(args, features, data["matrix"][train_rows], data["labels"][train_rows],
                                        data["keys"][train_rows], pdo)
    scorecard = fit(data["matrix"][train_rows], data["labels"][train_rows], features,
                    max_bins=max_bins, min_bin_share=args.min_bin_share, l2=args.l2, points_to_double_odds=pdo)
    points = scorecard.points(data["matrix"])
    bands = [(band, float(np.quantile(points[train_rows], 1 - share, method="higher")), share)
             for band, share in RISK_BANDS]

    result = {
        "scorecard_name": args.name,
        "design": design,
        "features": features,
        "max_bins": max_bins,
        "cross_validated_auc_by_max_bins": cv_auc,
        "min_bin_share": args.min_bin_share,
        "l2": args.l2,
        "points_to_double_odds": scorecard.points_to_double_odds,
        "training_months": _months(data["months"][train_rows]),
        "evaluation_months": _months(data["months"][evaluate_rows]),
        "training": metrics.summary(points[train_rows], data["labels"][train_rows], data["keys"][train_rows]),
        "evaluation": metrics.summary(points[evaluate_rows], data["labels"][evaluate_rows],
                                      data["keys"][evaluate_rows]) if evaluate_rows.any() else None,
        "risk_bands": {band: cut for band, cut, _ in bands},
    }
    out: Path = args.scorecard_dir
    out.mkdir(parents=True, exist_ok=True)
    card_rows = [{"scorecard_name": args.name, **row} for row in scorecard.rows()]
    # stamped on every score: churn_scores rescores all months when the stamp changes
    result["scorecard_id"] = hashlib.sha256(_csv_text(card_rows).encode()).hexdigest()[:12]
    _replace_card(out / SCORECARD_FILE, args.name, card_rows)
    _replace_card(out / BANDS_FILE, args.name, [
        dict(scorecard_name=args.name, risk_band=b, min_points=c, share_of_training_rows=s,
             scorecard_id=result["scorecard_id"]) for b, c, s in bands])
    summaries = json.loads((out / SUMMARY_FILE).read_text()) if (out / SUMMARY_FILE).exists() else {}
    summaries[args.name] = result
    (out / SUMMARY_FILE).write_text(json.dumps(dict(sorted(summaries.items())), indent=2) + "\n")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    _print(result, out)
    return 0


def _choose_max_bins(args, features, matrix, labels, keys, pdo) -> tuple[int, dict]:
    """The bin budget with the best mean AUC over CV_FOLDS folds of the training rows (folds by
    subscriber key, so a subscriber's months stay together); the evaluation rows are never
    looked at. A single --max-bins skips the search."""
    if len(args.max_bins) == 1:
        return args.max_bins[0], {}
    rows = np.arange(len(labels))
    if len(rows) > CV_MAX_ROWS:  # a fixed, key-ordered sample keeps the search quick
        rows = rows[np.argsort(keys, kind="mergesort")][:: len(rows) // CV_MAX_ROWS + 1]
    fold = np.array([int(k[:8], 16) % CV_FOLDS for k in keys[rows]])
    results = {}
    for budget in args.max_bins:
        aucs = []
        for f in range(CV_FOLDS):
            fit_rows, held = rows[fold != f], rows[fold == f]
            card = fit(matrix[fit_rows], labels[fit_rows], features, max_bins=budget,
                       min_bin_share=args.min_bin_share, l2=args.l2, points_to_double_odds=pdo)
            aucs.append(metrics.auc(card.points(matrix[held]), labels[held]))
        results[budget] = round(float(np.mean(aucs)), 6)
    best = max(results, key=lambda b: (results[b], -b))
    return best, {str(b): a for b, a in results.items()}


def _split(args, data) -> tuple[np.ndarray, np.ndarray, str]:
    """Training and evaluation rows: by the split file's subscribers, else out of time."""
    from subops.cli import UserError

    if args.split_file is not None:
        splits = split_keys(args.split_file)
        assigned = np.array([splits.get(k, "") for k in data["keys"]], dtype=object)
        unknown = int((assigned == "").sum())
        if unknown:
            raise UserError(f"{unknown} labelled rows belong to subscribers missing from {args.split_file} "
                            "(or the warehouse was built with another SUBOPS_PII_KEY)")
        return assigned == "train", assigned == "evaluate", f"subscriber split from {args.split_file.name}"
    months = np.unique(data["months"])
    if args.validation_months < 1 or len(months) <= args.validation_months:
        raise UserError(f"out-of-time validation needs more than --validation-months {args.validation_months} "
                        f"labelled months; the warehouse has {len(months)}")
    cutoff = months[-args.validation_months]
    return (data["months"] < cutoff, data["months"] >= cutoff,
            f"out of time: train before {cutoff}, validate on the last {args.validation_months} labelled months")


def _months(values: np.ndarray) -> list[str]:
    return [str(m) for m in np.unique(values)]


def _replace_card(path: Path, name: str, rows: list[dict]) -> None:
    """Rewrite a seed with this card's rows in place of its earlier ones (cards by name)."""
    kept = []
    if path.exists():
        with path.open(newline="") as handle:
            kept = [row for row in csv.DictReader(handle) if row["scorecard_name"] != name]
    cards = {}
    for row in kept + rows:
        cards.setdefault(row["scorecard_name"], []).append(row)
    path.write_text(_csv_text([row for card in sorted(cards) for row in cards[card]]))


def _csv_text(rows: list[dict]) -> str:
    def text(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return value
        return repr(value) if isinstance(value, float) else str(value)

    handle = io.StringIO()
    writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: text(v) for k, v in row.items()})
    return handle.getvalue()


def _print(result: dict, out: Path) -> None:
    print(f"subops churn train: {result['design']}; {len(result['features'])} features, "
          f"at most {result['max_bins']} bins each (cross-validated AUC by budget: "
          f"{result['cross_validated_auc_by_max_bins'] or 'not searched'})")
    for name in ("training", "evaluation"):
        m = result[name]
        if m:
            print(f"  {name:<10} {m['rows']:>9} rows  churn rate {m['churn_rate']:.4f}  AUC {m['auc']:.4f}  "
                  f"Gini {m['gini']:.4f}  top-decile lift {m['top_decile_lift']:.2f}")
    print(f"  scorecard {result['scorecard_name']} ({result['scorecard_id']}) written to {out}/{SCORECARD_FILE} "
          f"and {BANDS_FILE}: `subops run --scorecard {result['scorecard_name']}` applies it")
