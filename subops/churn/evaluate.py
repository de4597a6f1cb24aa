"""`subops churn evaluate`: the backtest as SQL computed it, and the figures that judge the card.

The judged rows are the held-out subscribers of --split-file, else the months the scorecard
was not trained on (from the training summary beside the seeds), else every labelled month.
Their metrics come from churn.churn_scores, the scores the SQL model gave, not from Python.
"""
from __future__ import annotations

import json

import duckdb
import numpy as np

from . import metrics
from .data import served_database, split_keys
from .train import SUMMARY_FILE


def evaluate(args) -> int:
    database = served_database(args.warehouse_dir)
    summary_path = args.scorecard_dir / SUMMARY_FILE
    summaries = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    with duckdb.connect(str(database), read_only=True) as con:
        backtest = con.execute("select * from churn.churn_model_backtest order by report_month").fetchall()
        columns = [d[0] for d in con.description]
        calibration = con.execute("""
            select risk_decile, sum(subscribers), sum(churners), avg(mean_predicted_probability),
                   sum(churners) * 1.0 / sum(subscribers)
            from churn.churn_model_calibration group by risk_decile order by risk_decile""").fetchall()
        rows = con.execute("""
            select scores.subscriber_key, cast(scores.report_month as varchar), cast(scores.churn_points as double),
                   cast(features.is_churned_next_month as integer), scores.scorecard_id
            from churn.churn_scores as scores
            inner join churn.churn_features as features
                on scores.subscriber_key = features.subscriber_key and scores.report_month = features.report_month
            where features.is_churned_next_month is not null""").fetchall()
    keys = np.array([r[0] for r in rows], dtype=object)
    months = np.array([r[1] for r in rows], dtype=object)
    points = np.array([r[2] for r in rows], dtype=float)
    labels = np.array([r[3] for r in rows], dtype=int)
    scorecard_ids = sorted({r[4] for r in rows})
    # the card that scored these rows, found by its stamp among the training summaries
    trained = next((s for s in summaries.values() if [s.get("scorecard_id")] == scorecard_ids), {})
    training_months = set(trained.get("training_months", []))

    if args.split_file is not None:
        splits = split_keys(args.split_file)
        judged = np.array([splits.get(k) == "evaluate" for k in keys], dtype=bool)
        judged_on = f"held-out subscribers of {args.split_file.name}"
    elif training_months and any(m not in training_months for m in months):
        judged = np.array([m not in training_months for m in months], dtype=bool)
        judged_on = "out-of-time months (not trained on)"
    else:
        judged = np.ones(len(keys), dtype=bool)
        judged_on = "every labelled month (no training summary: in-sample figures)"
    figures = metrics.summary(points[judged], labels[judged], keys[judged]) if judged.any() else None

    card = trained.get("scorecard_name", "not in " + SUMMARY_FILE)
    print(f"churn_model_backtest ({database}; scorecard {card}, {', '.join(scorecard_ids) or '-'}):")
    print(f"  {'month':<10} {'sample':<12} {'scored':>9} {'churners':>8} {'rate':>7} {'AUC':>7} {'Gini':>7} {'top10 lift':>10}")
    for row in backtest:
        r = dict(zip(columns, row))
        sample = "in-sample" if str(r["report_month"]) in training_months else "out-of-time" if training_months else "-"
        print(f"  {str(r['report_month']):<10} {sample:<12} {r['scored_subscribers']:>9} {r['churners']:>8} "
              f"{_f(r['churn_rate'])} {_f(r['auc'])} {_f(r['gini'])} {_f(r['top_decile_lift'], 10, 2)}")
    print("calibration by risk decile, all backtest months (1 = highest points):")
    print(f"  {'decile':>6} {'scored':>9} {'churners':>8} {'predicted':>9} {'observed':>9}")
    for decile, scored, churners, predicted, observed in calibration:
        print(f"  {decile:>6} {scored:>9} {churners:>8} {_f(predicted, 9)} {_f(observed, 9)}")
    if figures is None:
        print(f"judged on {judged_on}: no rows")
        return 1
    print(f"judged on {judged_on}: {figures['rows']} rows, churn rate {figures['churn_rate']:.4f}, "
          f"AUC {figures['auc']:.4f}, Gini {figures['gini']:.4f}, top-decile lift {figures['top_decile_lift']:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"judged_on": judged_on, "scorecard_ids": scorecard_ids, **figures},
                                        indent=2) + "\n")
    failed = []
    if args.min_auc is not None and not figures["auc"] >= args.min_auc:
        failed.append(f"AUC {figures['auc']:.4f} below --min-auc {args.min_auc}")
    if args.min_lift is not None and not figures["top_decile_lift"] >= args.min_lift:
        failed.append(f"top-decile lift {figures['top_decile_lift']:.2f} below --min-lift {args.min_lift}")
    for message in failed:
        print(f"subops churn evaluate: {message}")
    return 1 if failed else 0


def _f(value, width: int = 7, decimals: int = 4) -> str:
    return f"{'-':>{width}}" if value is None else f"{float(value):>{width}.{decimals}f}"
