"""Staging: nothing lost (raw = valid + rejected), every defect quarantined with its
reason, no raw personal data past staging's inputs, the key required and honoured."""
from __future__ import annotations

import hashlib
import hmac
import shutil

import duckdb
import pytest

from conftest import TEST_PII_KEY, dbt_session, manifest, query
from subops.paths import AUDIT_MODELS, LANDING_TABLES
from subops.pii_scan import scan_database


def reject_counts(database) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for table, audit in AUDIT_MODELS.items():
        rows = query(database, f"select reject_reason, count(*) from audit.{audit} group by 1")
        counts[table] = {reason: n for reason, n in rows}
    return counts


def test_every_injected_defect_is_quarantined_with_its_reason(defect_build, defect_landing):
    injected = {table: {reason: n for reason, n in kinds.items() if n}
                for table, kinds in manifest(defect_landing)["defects"].items()}
    assert sum(sum(kinds.values()) for kinds in injected.values()) > 0, "the generator injected nothing"
    assert reject_counts(defect_build.duckdb_path) == {t: injected.get(t, {}) for t in LANDING_TABLES}


def test_clean_landing_data_leaves_the_audit_tables_empty(clean_build):
    assert reject_counts(clean_build.duckdb_path) == {table: {} for table in LANDING_TABLES}


@pytest.mark.parametrize("table", LANDING_TABLES)
def test_raw_rows_equal_valid_plus_rejected(defect_build, table):
    database = defect_build.duckdb_path
    staging = {
        "subscribers": "stg_crm__subscriber_snapshots", "bills": "stg_billing__bills",
        "usage_daily": "stg_usage__usage_days", "circles_monthly": "stg_usage__call_circles",
        "product_orders": "stg_orders__product_orders", "contacts": "stg_marketing__contacts",
        "complaints": "stg_service__complaints",
    }[table]
    [(landed, valid, rejected)] = query(database, f"""
        select (select count(*) from landing.{table}),
               (select count(*) from staging.{staging}),
               (select count(*) from audit.{AUDIT_MODELS[table]})""")
    assert rejected > 0
    assert landed == valid + rejected


def test_no_raw_personal_data_outside_the_landing_inputs(defect_build, defect_landing):
    """Every text column of every relation outside `landing` is scanned for the raw
    msisdns (any 11-digit run), ID numbers and names found in the landing files."""
    scan = scan_database(defect_build.duckdb_path, defect_landing)
    assert scan.raw_values > 1000
    assert scan.columns > 50
    assert scan.leaks == []


def test_pseudonyms_are_hmac_sha256_under_the_key(defect_build):
    rows = query(defect_build.duckdb_path,
                 "select subscriber_id, subscriber_key from staging.stg_crm__subscriber_snapshots limit 20")
    assert len(rows) == 20
    for subscriber_id, key in rows:
        assert key == hmac.new(TEST_PII_KEY.encode(), subscriber_id.encode(), hashlib.sha256).hexdigest()


def test_building_without_the_key_fails_naming_the_variable(defect_landing, tmp_path):
    session = dbt_session(tmp_path, defect_landing, SUBOPS_PII_KEY="")
    result = session.run("build", "--select", "reference", "base_crm__subscriber_snapshots",
                         "--exclude-resource-type", "unit_test", check=False, capture=True)
    assert result.returncode != 0
    assert "SUBOPS_PII_KEY is not set" in result.stdout


def test_reject_share_above_the_error_threshold_fails_the_build(defect_build):
    passing = defect_build.run("test", "--select", "audit", check=False, capture=True)
    assert passing.returncode == 0, passing.stdout
    assert "WARN" in passing.stdout  # 1% rejects: above the warn share, below the error share
    failing = defect_build.run("test", "--select", "audit", vars={"reject_error_share": 0.001},
                               check=False, capture=True)
    assert failing.returncode != 0
    assert "reject_share_within" in failing.stdout


def test_a_missing_landing_column_stops_the_run_naming_table_and_column(defect_landing, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(defect_landing, landing)
    for part in (landing / "bills").rglob("*.parquet"):
        with duckdb.connect() as con:
            con.execute(f"copy (select * exclude (paid_fee) from read_parquet('{part}')) "
                        f"to '{part}.tmp' (format parquet)")
        part.with_name(part.name + ".tmp").replace(part)
    result = dbt_session(tmp_path / "work", landing).run("build", check=False, capture=True)
    assert result.returncode != 0
    assert "Landing table 'bills' is missing required column 'paid_fee'" in result.stdout
