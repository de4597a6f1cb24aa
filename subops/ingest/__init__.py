"""`subops ingest`: map a real public churn data set into the landing contract v1.

Two snapshot months: the observation month M0 (--month) where every subscriber is active,
and the outcome month M1 = M0 + 1 where the file's churners are closed, so the warehouse's
label is_churned_next_month of M0 equals the file's label. Writes the seven landing tables
(Parquet, month partitions), holdout_split.csv and ingest_report.json into --out.
Same input, same bytes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import DEFAULT_MONTH, parse_month

DATASETS = {
    "ibm-telco": ("subops.ingest.ibm_telco", "IBM Telco Customer Churn (one CSV, 7043 rows)"),
    "bigml": ("subops.ingest.bigml", "Orange/BigML churn (bigml_churn_80.csv and bigml_churn_20.csv)"),
}


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help="map a real public churn data set into landing files (contract v1)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="dataset", required=True)
    ibm = sub.add_parser("ibm-telco", help=DATASETS["ibm-telco"][1])
    ibm.add_argument("file", type=Path, help="ibm_telco_customer_churn.csv")
    big = sub.add_parser("bigml", help=DATASETS["bigml"][1])
    big.add_argument("file", type=Path, nargs="+",
                     help="bigml churn CSV files; a name containing '80' is the train split, '20' the evaluate split")
    for q in (ibm, big):
        q.add_argument("--out", type=Path, required=True, help="output landing folder")
        q.add_argument("--month", default=DEFAULT_MONTH,
                       help=f"observation month M0, YYYY-MM (default {DEFAULT_MONTH}); the outcome month is M0 + 1")
        q.add_argument("--force", action="store_true", help="replace this command's earlier output in --out")
    return p


def run(args: argparse.Namespace) -> int:
    import importlib

    from .writer import check_out, write_all

    m0 = parse_month(args.month)
    out: Path = args.out
    check_out(out, args.force)
    module = importlib.import_module(DATASETS[args.dataset][0])
    files = args.file if isinstance(args.file, list) else [args.file]
    result = module.build(files, m0)
    rows = write_all(out, result, force=args.force)
    churners = result.report["churn"]["churners"]
    print(f"subops ingest {args.dataset}: {result.report['subscribers']} subscribers, {churners} churners "
          f"closed in {result.report['months']['outcome_month']} -> {out}: "
          + ", ".join(f"{t} {n}" for t, n in rows.items()) + " rows", file=sys.stdout)
    return 0
