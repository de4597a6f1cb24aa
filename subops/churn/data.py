"""What training and evaluation read: labelled rows of churn.churn_features in the served
database (read-only; never the build file), and a subscriber split file mapped to keys."""
from __future__ import annotations

import csv
import hashlib
import hmac
import os
from pathlib import Path

import duckdb
import numpy as np
import yaml

from subops.paths import PROJECT_DIR

KEY_COLUMNS = ("subscriber_key", "report_month")
LABEL = "is_churned_next_month"
SPLITS = ("train", "evaluate")


def served_database(warehouse_dir: Path) -> Path:
    from subops.cli import UserError
    from subops.publish import SERVED_FILE

    path = warehouse_dir / SERVED_FILE
    if not path.exists():
        raise UserError(f"{path} does not exist: build and publish first (subops run)")
    return path


def feature_names(con) -> list[str]:
    columns = [r[0] for r in con.execute("""
        select column_name from information_schema.columns
        where table_schema = 'churn' and table_name = 'churn_features' order by ordinal_position""").fetchall()]
    if not columns:
        from subops.cli import UserError
        raise UserError("the served database has no churn.churn_features: rebuild with this project version")
    return [c for c in columns if c not in KEY_COLUMNS and c != LABEL]


def labelled_rows(database: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    """Every scored subscriber-month whose outcome is known: features as floats (NaN = null)."""
    with duckdb.connect(str(database), read_only=True) as con:
        features = feature_names(con)
        select = ", ".join(f"cast({f} as double) as {f}" for f in features)
        # a data frame keeps nulls as NaN (fetchnumpy would fill them with zeros)
        frame = con.execute(f"""
            select subscriber_key, cast(report_month as varchar) as report_month,
                   cast({LABEL} as integer) as label, {select}
            from churn.churn_features where {LABEL} is not null
            order by report_month, subscriber_key""").df()
    data = {
        "keys": frame["subscriber_key"].to_numpy(dtype=object),
        "months": frame["report_month"].to_numpy(dtype=object),
        "labels": frame["label"].to_numpy(dtype=int),
        "matrix": frame[features].to_numpy(dtype=float, na_value=np.nan),
    }
    return features, data


def points_to_double_odds() -> float:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return float(project["vars"]["churn_points_to_double_odds"])


def split_keys(path: Path) -> dict[str, str]:
    """subscriber_key -> split from a CSV of subscriber_id,split, keyed like the warehouse
    (HMAC-SHA256 under SUBOPS_PII_KEY, see macros/pii/pseudonymise.sql)."""
    from subops.cli import UserError

    key = os.environ.get("SUBOPS_PII_KEY")
    if not key:
        raise UserError("--split-file needs SUBOPS_PII_KEY, the key the warehouse was built with")
    if not path.exists():
        raise UserError(f"--split-file {path} does not exist")
    result = {}
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"subscriber_id", "split"} <= set(reader.fieldnames):
            raise UserError(f"--split-file {path} needs the columns subscriber_id,split")
        for line, row in enumerate(reader, start=2):
            if row["split"] not in SPLITS:
                raise UserError(f"--split-file {path} line {line}: split must be train or evaluate, "
                                f"got {row['split']!r}")
            digest = hmac.new(key.encode(), row["subscriber_id"].encode(), hashlib.sha256).hexdigest()
            result[digest] = row["split"]
    return result
