"""`subops churn`: train the churn scorecard and evaluate the churn warning.

  subops churn train     fit a binned logistic scorecard on labelled months of
                         churn.churn_features (served database) and write it as seeds
                         (seeds/churn/churn_scorecard.csv, churn_risk_bands.csv) that the
                         dbt model churn_scores applies in SQL on every target
  subops churn evaluate  print churn_model_backtest and the calibration by decile; with
                         --split-file, the metrics on the held-out subscribers
"""
from __future__ import annotations

import argparse
from pathlib import Path

from subops.paths import DEFAULT_WAREHOUSE_DIR, SEEDS_DIR

DEFAULT_SCORECARD_DIR = SEEDS_DIR / "churn"


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help="train and evaluate the churn scorecard",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="churn_command", required=True)

    train = verbs.add_parser("train", help="fit the scorecard and write it as seeds")
    _common(train)
    train.add_argument("--name", default="demo",
                       help="the card's name in the seeds, replacing an earlier card of that name "
                            "(default demo, the project's default var churn_scorecard)")
    train.add_argument("--scorecard-dir", type=Path, default=DEFAULT_SCORECARD_DIR,
                       help=f"where the scorecard seeds and the training summary go (default {DEFAULT_SCORECARD_DIR})")
    train.add_argument("--validation-months", type=int, default=3,
                       help="out-of-time validation: the last N labelled months (default 3); "
                            "ignored with --split-file")
    train.add_argument("--max-bins", type=int, nargs="+", default=[4, 6, 8, 10],
                       help="bins per feature besides the missing bin, at most; several values: the one with "
                            "the best cross-validated AUC on the training rows (default 4 6 8 10)")
    train.add_argument("--min-bin-share", type=float, default=0.05,
                       help="each bin holds at least this share of a feature's non-missing training rows (default 0.05)")
    train.add_argument("--l2", type=float, default=1.0, help="ridge penalty on the bin coefficients (default 1.0)")

    evaluate = verbs.add_parser("evaluate", help="print the backtest (and held-out metrics)")
    _common(evaluate)
    evaluate.add_argument("--scorecard-dir", type=Path, default=DEFAULT_SCORECARD_DIR,
                          help="where the training summaries are (churn_scorecards.json), to mark in-sample months")
    evaluate.add_argument("--min-auc", type=float, default=None,
                          help="exit 1 when the held-out (or out-of-time) AUC is below this")
    evaluate.add_argument("--min-lift", type=float, default=None,
                          help="exit 1 when the held-out (or out-of-time) top-decile lift is below this")
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse-dir", type=Path, default=DEFAULT_WAREHOUSE_DIR,
                        help="the warehouse folder whose served.duckdb is read (default: warehouse)")
    parser.add_argument("--split-file", type=Path, default=None,
                        help="CSV subscriber_id,split (train / evaluate), e.g. from `subops ingest`: "
                             "train on the train rows, evaluate on the others (needs SUBOPS_PII_KEY, "
                             "the key the warehouse was built with)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")


def run(args: argparse.Namespace) -> int:
    if args.churn_command == "train":
        from .train import train
        return train(args)
    from .evaluate import evaluate
    return evaluate(args)
