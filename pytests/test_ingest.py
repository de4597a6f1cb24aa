"""`subops ingest`: the real data sets mapped into landing contract v1 (no dbt build; seconds)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from subops.cli import main
from subops.generate.schema import COLUMNS
from subops.paths import REAL_DATA_DIR as REAL

IBM = REAL / "ibm_telco_customer_churn.csv"
BIGML = [REAL / "bigml_churn_80.csv", REAL / "bigml_churn_20.csv"]
pytestmark = pytest.mark.skipif(not (IBM.is_file() and all(p.is_file() for p in BIGML)),
                                reason=f"real data sets not found under {REAL}")


def file_rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read(out: Path, table: str, sql: str = "select * from t") -> duckdb.DuckDBPyRelation:
    con = duckdb.connect()
    con.execute(f"create view t as select * from read_parquet('{out.as_posix()}/{table}/**/*.parquet', "
                "hive_partitioning = false)")
    return con.execute(sql)


def ingest(tmp_path: Path, name: str, *argv: str) -> Path:
    out = tmp_path / name
    assert main(["ingest", *argv, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def ibm(tmp_path_factory) -> Path:
    return ingest(tmp_path_factory.mktemp("ibm"), "out", "ibm-telco", str(IBM))


@pytest.fixture(scope="module")
def bigml(tmp_path_factory) -> Path:
    return ingest(tmp_path_factory.mktemp("bigml"), "out", "bigml", *map(str, BIGML))


def assert_contract(out: Path) -> None:
    for table, columns in COLUMNS.items():
        assert (out / table).is_dir(), table
        found = read(out, table, "describe select * from t").fetchall()
        assert [(r[0], r[1]) for r in found] == columns, table


def test_ibm_contract_counts_churn_split(ibm):
    src = file_rows(IBM)
    assert_contract(ibm)
    by_month = dict(read(ibm, "subscribers", "select strftime(snapshot_month, '%Y-%m'), count(*) from t group by 1")
                    .fetchall())
    assert by_month == {"2024-09": len(src), "2024-10": len(src)}
    closed = read(ibm, "subscribers", "select subscriber_id from t where status = 'closed'").fetchall()
    assert {r[0] for r in closed} == {r["customerID"] for r in src if r["Churn"] == "Yes"}
    assert len(closed) == 1869
    assert read(ibm, "subscribers", "select count(*) from t where snapshot_month = date '2024-09-01' "
                                    "and status <> 'active'").fetchone()[0] == 0
    split = file_rows(ibm / "holdout_split.csv")
    assert len(split) == len(src)
    train = sum(r["split"] == "train" for r in split)
    assert 0.77 < train / len(split) < 0.83
    report = json.loads((ibm / "ingest_report.json").read_text())
    blank = next(q for q in report["quirks"] if q["quirk"] == "blank_total_charges")
    assert blank["count"] == 11 and len(blank["ids"]) == 11
    assert blank["reason"] == "blank_total_charges_tenure_0"
    assert report["rows_written"]["usage_daily"] == 0


def test_ibm_same_input_same_bytes(ibm, tmp_path):
    again = ingest(tmp_path, "again", "ibm-telco", str(IBM))
    files = sorted(p.relative_to(ibm) for p in ibm.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (ibm / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_bigml_contract_counts_churn_split(bigml):
    n80, n20 = (len(file_rows(p)) for p in BIGML)
    churners = sum(r["Churn"].lower() == "true" for p in BIGML for r in file_rows(p))
    assert_contract(bigml)
    by_month = dict(read(bigml, "subscribers", "select strftime(snapshot_month, '%Y-%m'), count(*) from t group by 1")
                    .fetchall())
    assert by_month == {"2024-09": n80 + n20, "2024-10": n80 + n20}
    assert read(bigml, "subscribers", "select count(*) from t where status = 'closed'").fetchone()[0] == churners
    assert 0.13 < churners / (n80 + n20) < 0.16
    split = file_rows(bigml / "holdout_split.csv")
    assert sum(r["split"] == "train" for r in split) == n80
    assert sum(r["split"] == "evaluate" for r in split) == n20
    # the month's totals are spread exactly over the days
    first = file_rows(BIGML[0])[0]
    minutes = round(sum(float(first[f"Total {p} minutes"]) for p in ("day", "eve", "night")))
    assert read(bigml, "usage_daily", "select sum(voice_out_minutes) from t where subscriber_id = 'BIGML80-0001'"
                ).fetchone()[0] == minutes
    calls = sum(int(r["Customer service calls"]) for p in BIGML for r in file_rows(p))
    assert read(bigml, "contacts", "select count(*) from t where direction = 'inbound'").fetchone()[0] == calls


def bad_copy(tmp_path: Path, source: Path, name: str, edit) -> Path:
    rows = file_rows(source)
    header = list(rows[0])
    rows, header = edit(rows, header)
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def test_missing_column_fails_and_writes_nothing(tmp_path, capsys):
    path = bad_copy(tmp_path, IBM, "ibm.csv", lambda rows, h: (rows, [c for c in h if c != "MonthlyCharges"]))
    out = tmp_path / "out"
    assert main(["ingest", "ibm-telco", str(path), "--out", str(out)]) == 2
    assert "missing column(s) 'MonthlyCharges'" in capsys.readouterr().err
    assert not out.exists()


def test_unparseable_churn_fails_and_writes_nothing(tmp_path, capsys):
    def edit(rows, header):
        rows[4]["Churn"] = "maybe"
        return rows, header
    path = bad_copy(tmp_path, BIGML[1], "bigml_churn_20.csv", edit)
    out = tmp_path / "out"
    assert main(["ingest", "bigml", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bigml_churn_20.csv line 6" in err and "'Churn'" in err and "'maybe'" in err
    assert not out.exists()


def test_split_from_file_name_and_foreign_out(tmp_path, capsys):
    plain = tmp_path / "churn.csv"
    plain.write_bytes(BIGML[1].read_bytes())
    assert main(["ingest", "bigml", str(plain), "--out", str(tmp_path / "out")]) == 2
    assert "must contain '80'" in capsys.readouterr().err
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("x")
    assert main(["ingest", "bigml", str(BIGML[1]), "--out", str(foreign)]) == 2
    assert "did not write" in capsys.readouterr().err


def test_rerun_needs_force(tmp_path, capsys):
    out = ingest(tmp_path, "out", "bigml", str(BIGML[1]))
    assert main(["ingest", "bigml", str(BIGML[1]), "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["ingest", "bigml", str(BIGML[1]), "--out", str(out), "--force"]) == 0
