"""Broken landing data through `subops run`: each case ends in a clear error or in quarantine
with reasons, never in lost rows (landed = valid + rejected) and, when the run fails, never
in changed served data (served.duckdb and every export file byte-identical).

Every case mutates a copy of one small clean landing set (1500 subscribers x 3 months) and
runs against a copy of a warehouse that already published it, as the monthly job would."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import (RUN_DATA, TEST_PII_KEY, copy_landing, copy_warehouse, generate, manifest,
                      served_state, subops_run)
from subops.duckdb_pii import hmac_pads
from subops.paths import AUDIT_MODELS, LANDING_TABLES
from subops.run import EXIT_DBT_FAILED, EXIT_EXPECTATIONS_FAILED, EXIT_OK

STAGING_MODELS = {
    "subscribers": "stg_crm__subscriber_snapshots", "bills": "stg_billing__bills",
    "usage_daily": "stg_usage__usage_days", "circles_monthly": "stg_usage__call_circles",
    "product_orders": "stg_orders__product_orders", "contacts": "stg_marketing__contacts",
    "complaints": "stg_service__complaints",
}
FACT_TABLES = tuple(t for t in LANDING_TABLES if t != "subscribers")


def _connect(database: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(database), read_only=True)
    inner, outer = hmac_pads(TEST_PII_KEY)  # staging views may pseudonymise
    con.execute("set variable subops_pii_inner_pad = $1", [inner])
    con.execute("set variable subops_pii_outer_pad = $1", [outer])
    return con


def reconciliation(warehouse: Path, tables=LANDING_TABLES) -> dict[str, tuple[int, int, int]]:
    """Per landing table: (landed, valid, rejected), from the build database of the run."""
    with _connect(warehouse / "build.duckdb") as con:
        return {t: con.execute(f"""
            select (select count(*) from landing.{t}),
                   (select count(*) from staging.{STAGING_MODELS[t]}),
                   (select count(*) from audit.{AUDIT_MODELS[t]})""").fetchone() for t in tables}


def assert_nothing_lost(warehouse: Path, tables=LANDING_TABLES) -> None:
    for table, (landed, valid, rejected) in reconciliation(warehouse, tables).items():
        assert landed == valid + rejected, f"{table}: {landed} landed != {valid} valid + {rejected} rejected"


def rejects(warehouse: Path, table: str, database: str = "build.duckdb") -> dict[str, int]:
    with _connect(warehouse / database) as con:
        rows = con.execute(f"select reject_reason, count(*) from audit.{AUDIT_MODELS[table]} group by 1")
        return dict(rows.fetchall())


def rewrite(folder: Path, select: str) -> None:
    """Rewrite every Parquet file below `folder` as `select ... from t` (t = the file)."""
    for part in sorted(folder.rglob("*.parquet")):
        tmp = part.with_name(part.name + ".tmp")
        with duckdb.connect() as con:
            con.execute(f"create view t as select * from read_parquet('{part}')")
            con.execute(f"copy ({select}) to '{tmp}' (format parquet)")
        tmp.replace(part)


def execute(sql: str) -> list[tuple]:
    """One statement on an in-memory DuckDB (for files)."""
    with duckdb.connect() as con:
        return con.execute(sql).fetchall()


def parquet_rows(path: Path) -> int:
    return execute(f"select count(*) from read_parquet('{path}')")[0][0]


@pytest.fixture
def case(published_warehouse, run_landing, tmp_path):
    """(landing copy to break, warehouse copy, readers' view of it before the run)."""
    landing = copy_landing(run_landing, tmp_path / "landing")
    warehouse = copy_warehouse(published_warehouse, tmp_path / "warehouse")
    return landing, warehouse, served_state(warehouse)


def assert_failed_and_unchanged(result, warehouse, before, code):
    assert result.returncode == code, result.stdout[-5000:]
    assert served_state(warehouse) == before, "a failed run changed what readers see"


def reject_share_tests_named(output: str) -> set[str]:
    summary = output[output.index("== subops run"):]
    return set(re.findall(r"test\.subscriber_ops\.reject_share_within_(audit_\w+?)_source", summary))


def test_a_missing_required_column_stops_the_run_naming_table_and_column(case):
    landing, warehouse, before = case
    rewrite(landing / "bills", "select * exclude (paid_fee) from t")
    result = subops_run(landing, warehouse)
    assert_failed_and_unchanged(result, warehouse, before, EXIT_DBT_FAILED)
    summary = result.stdout[result.stdout.index("== subops run"):]
    assert "Landing table 'bills' is missing required column 'paid_fee'" in summary


def test_a_few_fees_written_as_text_are_quarantined_as_invalid_value(case):
    """Parquet with plan_fee as text in one month, 12 rows 'abc': below the reject threshold,
    so those rows are quarantined and the run publishes."""
    landing, warehouse, before = case
    rewrite(landing / "bills" / "month=2025-02", """
        select * replace (case when row_number() over (order by subscriber_id) <= 12 then 'abc'
                               else cast(plan_fee as varchar) end as plan_fee)
        from t""")
    result = subops_run(landing, warehouse)
    assert result.returncode == EXIT_OK, result.stdout[-5000:]
    assert rejects(warehouse, "bills") == {"invalid_value": 12}
    assert rejects(warehouse, "bills", "served.duckdb") == {"invalid_value": 12}  # published quarantine
    assert_nothing_lost(warehouse)
    assert served_state(warehouse) != before


def test_a_whole_month_of_text_fees_in_csv_fails_the_build_above_the_reject_threshold(case):
    """CSV landing (all bills as CSV), plan_fee 'abc' for all of 2025-03: a third of the
    table is invalid, above reject_error_share: the build fails naming the audit test."""
    landing, warehouse, before = case
    for part in sorted((landing / "bills").rglob("*.parquet")):
        month = part.parent.name
        fee = "'abc'" if month == "month=2025-03" else "cast(plan_fee as varchar)"
        execute(f"copy (select * replace ({fee} as plan_fee) from read_parquet('{part}')) "
                f"to '{part.with_suffix('.csv')}' (format csv, header true)")
        part.unlink()
    result = subops_run(landing, warehouse)
    assert_failed_and_unchanged(result, warehouse, before, EXIT_DBT_FAILED)
    assert reject_share_tests_named(result.stdout) == {"audit_billing__bill_rejects"}
    [(march,)] = execute(f"select count(*) from read_csv('{landing}/bills/month=2025-03/*.csv')")
    assert rejects(warehouse, "bills") == {"invalid_value": march}
    assert_nothing_lost(warehouse)


def test_an_empty_landing_table_fails_the_expectations(case):
    """complaints delivered with its columns but no rows: dbt passes (nothing to reject),
    the audit suite's 'no landing table arrived empty' fails the run."""
    landing, warehouse, before = case
    rewrite(landing / "complaints", "select * from t limit 0")
    result = subops_run(landing, warehouse)
    assert_failed_and_unchanged(result, warehouse, before, EXIT_EXPECTATIONS_FAILED)
    summary = result.stdout[result.stdout.index("== subops run"):]
    assert re.search(r"failed\s+audit / check reject_shares: expect_column_values_to_be_between"
                     r"\(column=landing_rows, min_value=1\): observed .*complaints=0", summary)
    assert_nothing_lost(warehouse)


def test_a_month_delivered_twice_is_quarantined_as_duplicates_and_fails_the_build(case):
    """bills/month=2025-02 copied under another file name: every row of that month arrives
    twice. The copy from the later file wins, the others are duplicate_key; at a full month
    that is above reject_error_share, so the build fails naming the audit test."""
    landing, warehouse, before = case
    [part] = (landing / "bills" / "month=2025-02").glob("*.parquet")
    shutil.copy(part, part.with_name("redelivered.parquet"))
    result = subops_run(landing, warehouse)
    assert_failed_and_unchanged(result, warehouse, before, EXIT_DBT_FAILED)
    assert reject_share_tests_named(result.stdout) == {"audit_billing__bill_rejects"}
    assert rejects(warehouse, "bills") == {"duplicate_key": parquet_rows(part)}
    assert_nothing_lost(warehouse)


def test_late_rows_for_a_past_month_are_picked_up_when_that_month_is_rebuilt(case):
    """Complaints for 2025-01 arrive after 2025-03 was published, as an extra file in the
    old partition; `subops run --month 2025-01` builds and publishes them."""
    landing, warehouse, before = case
    [part] = (landing / "complaints" / "month=2025-01").glob("*.parquet")
    late = part.with_name("late-2025-04-03.parquet")
    execute(f"copy (select * replace ('L' || ticket_id as ticket_id) from read_parquet('{part}')) "
            f"to '{late}' (format parquet)")
    late_rows = parquet_rows(late)
    assert late_rows > 0
    with _connect(warehouse / "build.duckdb") as con:
        valid_before = con.execute("select count(*) from staging.stg_service__complaints").fetchone()[0]
    january = ("select sum(complaint_count) from core.fct_subscriber_months "
               "where report_month = date '2025-01-01'")
    with _connect(warehouse / "served.duckdb") as con:
        served_before = con.execute(january).fetchone()[0]
    result = subops_run(landing, warehouse, "--month", "2025-01")
    assert result.returncode == EXIT_OK, result.stdout[-5000:]
    assert re.search(r"month\s+2025-01", result.stdout)
    [(landed, valid, rejected)] = reconciliation(warehouse, ["complaints"]).values()
    assert (valid, rejected) == (valid_before + late_rows, 0)
    with _connect(warehouse / "build.duckdb") as con:
        tickets = con.execute("select count(*) from staging.stg_service__complaints "
                              "where ticket_id like 'L%'").fetchone()[0]
    assert tickets == late_rows
    with _connect(warehouse / "served.duckdb") as con:  # published in the rebuilt month
        assert con.execute(january).fetchone()[0] == served_before + late_rows
        assert str(con.execute("select month from meta.publication").fetchone()[0]) == "2025-01-01"
    assert served_state(warehouse) != before


def test_every_defect_class_at_a_high_rate_fails_on_reject_shares(published_warehouse, tmp_path):
    """--defect-rate 0.2: every class the generator injects, at about 17% of each table.
    Every month is delivered again, so the run is a --full-refresh (a monthly run judges
    only the months it writes)."""
    landing = generate(tmp_path / "landing", defect_rate=0.2, **RUN_DATA)
    warehouse = copy_warehouse(published_warehouse, tmp_path / "warehouse")
    before = served_state(warehouse)
    result = subops_run(landing, warehouse, "--full-refresh")
    assert_failed_and_unchanged(result, warehouse, before, EXIT_DBT_FAILED)
    injected = {t: {r: n for r, n in kinds.items() if n} for t, kinds in manifest(landing)["defects"].items()}
    for table in LANDING_TABLES:
        assert rejects(warehouse, table) == injected.get(table, {}), table
    # Each table above reject_error_share (5%) is named; product_orders, whose order history
    # dilutes the monthly defects (about 3%), only warns.
    shares = {t: rejected / landed for t, (landed, valid, rejected) in reconciliation(warehouse).items()}
    failing = {AUDIT_MODELS[t] for t, share in shares.items() if share > 0.05}
    assert len(failing) >= 5
    assert reject_share_tests_named(result.stdout) == failing
    assert_nothing_lost(warehouse)


def test_a_wholly_unknown_subscriber_population_is_all_orphans_and_fails(case):
    """Facts whose subscriber ids are in no CRM snapshot: every fact row is orphan_subscriber
    (every month delivered again: a --full-refresh run)."""
    landing, warehouse, before = case
    for table in FACT_TABLES:
        rewrite(landing / table, "select * replace ('9' || subscriber_id as subscriber_id) from t")
    result = subops_run(landing, warehouse, "--full-refresh")
    assert_failed_and_unchanged(result, warehouse, before, EXIT_DBT_FAILED)
    counts = reconciliation(warehouse, FACT_TABLES)
    for table, (landed, valid, rejected) in counts.items():
        assert valid == 0 and rejected == landed > 0, table
        assert rejects(warehouse, table) == {"orphan_subscriber": landed}
    assert reject_share_tests_named(result.stdout) == {AUDIT_MODELS[t] for t in FACT_TABLES}
