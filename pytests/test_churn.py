"""The churn warning: trained out of time on generated data, and on the real public data sets
(ingested, built with `subops run`, scored by the shipped cards in SQL, retrained)."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import TEST_PII_KEY, dbt_session, generate, subops_run
from subops.cli import main
from subops.paths import PROJECT_DIR, REAL_DATA_DIR

SCORECARD = PROJECT_DIR / "seeds" / "churn" / "churn_scorecard.csv"
REAL_SUITES = PROJECT_DIR / "quality" / "real_datasets"

# name -> ingest arguments and the floor on held-out ROC AUC
REAL = {
    "ibm_telco": (["ibm-telco", str(REAL_DATA_DIR / "ibm_telco_customer_churn.csv")], 0.84),
    "bigml": (["bigml", str(REAL_DATA_DIR / "bigml_churn_80.csv"), str(REAL_DATA_DIR / "bigml_churn_20.csv")], 0.90),
}


@pytest.fixture(autouse=True)
def pii_key(monkeypatch):
    # --split-file keys the ids like the warehouse did
    monkeypatch.setenv("SUBOPS_PII_KEY", TEST_PII_KEY)


def churn(*argv: str) -> int:
    return main(["churn", *argv])


def card_rows(path: Path, name: str) -> list[dict]:
    with path.open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["scorecard_name"] == name]


def served(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse / "served.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- generated data: out-of-time lift ---------------------------------------------------------

@pytest.fixture(scope="module")
def generated_warehouse(tmp_path_factory) -> Path:
    """8 months of 4,000 subscribers, built with the shipped demo card (trained on `make run` data)."""
    root = tmp_path_factory.mktemp("churn_generated")
    landing = generate(root / "landing", defect_rate=0.0, subscribers=4000, months=8, seed=5)
    result = subops_run(landing, root / "warehouse", "--full-refresh")
    assert result.returncode == 0, result.stdout[-3000:]
    return root / "warehouse"


def test_out_of_time_top_decile_lift_is_at_least_3(generated_warehouse, tmp_path):
    summary = tmp_path / "train.json"
    assert churn("train", "--warehouse-dir", str(generated_warehouse), "--name", "pytest",
                 "--validation-months", "2", "--max-bins", "6", "--scorecard-dir", str(tmp_path),
                 "--json", str(summary)) == 0
    result = json.loads(summary.read_text())
    assert result["evaluation_months"] == ["2025-06-01", "2025-07-01"]
    assert all(month < "2025-06-01" for month in result["training_months"])
    assert result["evaluation"]["top_decile_lift"] >= 3.0, result["evaluation"]


def test_the_shipped_demo_card_ranks_churners_of_other_generated_data(generated_warehouse, tmp_path):
    # scored in SQL by churn_scores; every labelled month is out of sample for this data
    figures = tmp_path / "evaluate.json"
    assert churn("evaluate", "--warehouse-dir", str(generated_warehouse), "--min-lift", "3.0",
                 "--json", str(figures)) == 0
    assert json.loads(figures.read_text())["top_decile_lift"] >= 3.0


def test_every_scored_row_has_three_reasons_naming_features(generated_warehouse):
    features = {r[0] for r in served(generated_warehouse, """
        select column_name from information_schema.columns
        where table_schema = 'churn' and table_name = 'churn_features'""")}
    rows = served(generated_warehouse, """
        select count(*), count(reason_1_code), count(reason_2_code), count(reason_3_code),
               count(distinct risk_band)
        from churn.churn_scores""")[0]
    assert rows[0] > 0 and rows[0] == rows[1] == rows[2] == rows[3], rows
    assert rows[4] == 3, "high, medium and low bands all occur"
    codes = {r[0] for r in served(generated_warehouse, """
        select reason_1_code from churn.churn_scores union select reason_2_code from churn.churn_scores
        union select reason_3_code from churn.churn_scores""")}
    assert codes <= features and len(codes) >= 3, codes - features
    # every feature-month of the base is scored, nothing else
    assert served(generated_warehouse, """
        select count(*) from churn.churn_features as f
        full join churn.churn_scores as s using (subscriber_key, report_month)
        where f.subscriber_key is null or s.subscriber_key is null""") == [(0,)]


def test_the_watch_group_flags_exactly_the_high_band(generated_warehouse):
    assert served(generated_warehouse, """
        select count(*) from tags.tag_watch_groups as w
        left join churn.churn_scores as s
            on w.subscriber_key = s.subscriber_key and w.tag_month = s.report_month
        where w.watch_churn_warning <> coalesce(s.risk_band = 'high', false)""") == [(0,)]


def test_another_card_rescores_every_month_on_an_incremental_build(generated_warehouse, tmp_path):
    database = tmp_path / "build.duckdb"
    shutil.copy2(generated_warehouse / "build.duckdb", database)
    session = dbt_session(tmp_path / "dbt", generated_warehouse.parent / "landing")
    session.duckdb_path = database
    session.run("run", "--select", "churn_scores", vars={"churn_scorecard": "bigml"})
    bigml_id = card_rows(PROJECT_DIR / "seeds" / "churn" / "churn_risk_bands.csv", "bigml")[0]["scorecard_id"]
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("select distinct scorecard_id from churn.churn_scores").fetchall() == [(bigml_id,)]
        months = con.execute("select count(distinct report_month) from churn.churn_scores").fetchone()
    assert months == served(generated_warehouse, "select count(distinct report_month) from churn.churn_scores")[0]


# --- real data sets -----------------------------------------------------------------------

@pytest.fixture(scope="module", params=sorted(REAL))
def real_warehouse(request, tmp_path_factory):
    """A real data set ingested and built with its shipped card: (name, warehouse, split file)."""
    name = request.param
    ingest_args, _ = REAL[name]
    if not all(Path(a).is_file() for a in ingest_args[1:]):
        pytest.skip(f"real data set not found under {REAL_DATA_DIR}")
    root = tmp_path_factory.mktemp(name)
    assert main(["ingest", *ingest_args, "--out", str(root / "landing")]) == 0
    result = subops_run(root / "landing", root / "warehouse", "--full-refresh", "--scorecard", name,
                        "--suites-dir", str(REAL_SUITES))
    assert result.returncode == 0, result.stdout[-3000:]
    return name, root / "warehouse", root / "landing" / "holdout_split.csv"


def test_held_out_auc_of_the_shipped_card_stays_above_the_floor(real_warehouse, tmp_path):
    name, warehouse, split = real_warehouse
    floor = REAL[name][1]
    figures = tmp_path / "evaluate.json"
    assert churn("evaluate", "--warehouse-dir", str(warehouse), "--split-file", str(split),
                 "--min-auc", str(floor), "--json", str(figures)) == 0
    result = json.loads(figures.read_text())
    assert result["judged_on"].startswith("held-out")
    assert result["auc"] >= floor, result


def test_training_on_the_fixed_split_reproduces_the_shipped_card(real_warehouse, tmp_path):
    name, warehouse, split = real_warehouse
    summary, figures = tmp_path / "train.json", tmp_path / "evaluate.json"
    assert churn("train", "--warehouse-dir", str(warehouse), "--split-file", str(split), "--name", name,
                 "--scorecard-dir", str(tmp_path), "--json", str(summary)) == 0
    assert card_rows(tmp_path / "churn_scorecard.csv", name) == card_rows(SCORECARD, name)
    # the trainer's figures (Python) equal the backtest of the SQL scores on the same rows
    assert churn("evaluate", "--warehouse-dir", str(warehouse), "--split-file", str(split),
                 "--json", str(figures)) == 0
    trained, scored = json.loads(summary.read_text())["evaluation"], json.loads(figures.read_text())
    assert trained["rows"] == scored["rows"]
    assert trained["auc"] == pytest.approx(scored["auc"], abs=1e-6)
    assert trained["top_decile_lift"] == pytest.approx(scored["top_decile_lift"], abs=1e-6)
