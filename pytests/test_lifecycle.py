"""The lifecycle view is incremental by month and still exact: building the demo months one
by one gives the same tables as one --full-refresh build, rebuilding a month changes
nothing, and a row that lands late for a past month appears once that month is rebuilt
(and not before)."""
from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from subops.cli import main as subops_main
from subops.dbt import DbtSession

PII_KEY = "lifecycle-test-key"
DATA = dict(subscribers=3000, months=6, start_month="2025-01", seed=7)
# The lifecycle models and all they build on, with their tests. Not `fct_subscriber_months+`: the
# models built on the view (tags, ...) have parents of their own this selection would not build.
# Cautious: a test runs only when everything it reads is built (staging's reconciliation tests
# also read the audit models).
SELECT = ["--select", "+fct_subscriber_months", "+dim_subscribers", "+dim_subscriber_history",
          "--indirect-selection", "cautious"]
# The first build of the monthly warehouse runs every test; the others skip what does not depend on
# the month or on the lifecycle models: unit tests, and the staging models' tests (the same landing
# data). Their sources' tests still run: one warns of rows that landed late for a month built.
LATER_BUILD = ["--exclude-resource-type", "unit_test", "--exclude", "resource_type:test,path:models/staging/*/_*__models.yml"]
# The relations a lifecycle build writes, each with the columns that order its rows.
COMPARED = {
    "core.fct_subscriber_months": "subscriber_key, report_month",
    "core.dim_subscribers": "subscriber_key",
    "core.dim_subscriber_history": "subscriber_key, valid_from_month",
    "intermediate.int_subscriber_months_spined": "subscriber_id, report_month",
    "intermediate.int_usage_days_aggregated_to_months": "subscriber_id, usage_month",
    "intermediate.int_bills_aggregated_to_months": "subscriber_id, bill_month",
    "intermediate.int_call_circles_aggregated_to_months": "subscriber_id, circle_month",
    "intermediate.int_product_orders_pivoted_to_months": "subscriber_id, holding_month",
    "intermediate.int_contacts_aggregated_to_months": "subscriber_id, contact_month",
    "intermediate.int_complaints_aggregated_to_months": "subscriber_id, complaint_month",
}


# ---------------------------------------------------------------- helpers

def generate_landing(out: Path) -> Path:
    code = subops_main([
        "generate", "--subscribers", str(DATA["subscribers"]), "--months", str(DATA["months"]),
        "--start-month", DATA["start_month"], "--seed", str(DATA["seed"]), "--defect-rate", "0",
        "--out", str(out), "--no-progress",
    ])
    assert code == 0, f"subops generate exited {code}"
    return out


def landing_months(landing: Path) -> list[date]:
    window = json.loads((landing / "manifest.json").read_text())["window"]
    first, last = (date.fromisoformat(window[k] + "-01") for k in ("first_month", "last_month"))
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def land_until(landing: Path, growing: Path, month: date) -> None:
    """Make `growing` hold what had landed by the end of `month`: every table's partitions up to
    month=YYYY-MM, and the folders without a month (order history before the window)."""
    for table in (p for p in landing.iterdir() if p.is_dir()):
        for part in table.iterdir():
            if part.name.startswith("month=") and part.name[len("month="):] > f"{month:%Y-%m}":
                continue
            for file in (f for f in part.rglob("*") if f.is_file()):
                target = growing / file.relative_to(landing)
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.link(file, target)


def session(work: Path, landing: Path) -> DbtSession:
    """dbt writing only below `work`: its own DuckDB file, target/ and logs/."""
    work.mkdir(parents=True, exist_ok=True)
    return DbtSession(duckdb_path=work / "warehouse.duckdb", landing_dir=landing, work_dir=work,
                      extra_env={"SUBOPS_PII_KEY": PII_KEY})


def build(dbt: DbtSession, *args: str, as_of_month: date | None = None) -> str:
    """`dbt build` of the lifecycle models; returns dbt's output (raises when dbt fails)."""
    variables = {"as_of_month": as_of_month.isoformat()} if as_of_month else {}
    return dbt.run("build", *SELECT, *args, vars=variables, capture=True).stdout


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def fingerprint(database: Path, relation: str, order_by: str) -> tuple[int, str]:
    """Row count and an md5 over every column of every row, in key order."""
    [(rows, digest)] = query(database, f"""
        select count(*), md5(coalesce(string_agg(cast(t as varchar), chr(10) order by {order_by}), ''))
        from {relation} as t""")
    return rows, digest


def rows_only_in(database: Path, other: Path, relation: str, limit: int = 3) -> list[tuple]:
    """A few rows of `relation` in `database` that `other` does not hold (for messages)."""
    with duckdb.connect(str(database), read_only=True) as con:
        con.execute(f"attach '{other}' as other (read_only)")
        return con.execute(f"select * from {relation} except select * from other.{relation} limit {limit}").fetchall()


def copy_warehouse(source: DbtSession, work: Path, landing: Path) -> DbtSession:
    copy = session(work, landing)
    for suffix in ("", ".wal"):
        path = Path(str(source.duckdb_path) + suffix)
        if path.exists():
            shutil.copy(path, str(copy.duckdb_path) + suffix)
    return copy


def fct_row(database: Path, subscriber_id: str, month: date) -> dict:
    """A subscriber's row of the lifecycle view, found through the spine's key mapping."""
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute("""
            select fct.* from core.fct_subscriber_months as fct
            inner join intermediate.int_subscriber_months_spined as spine
                on fct.subscriber_key = spine.subscriber_key and fct.report_month = spine.report_month
            where spine.subscriber_id = ? and fct.report_month = ?""", [subscriber_id, month])
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1, f"expected one row for {subscriber_id} in {month}, found {len(rows)}"
    return dict(zip(names, rows[0]))


def fct_rows_outside(database: Path, months: list[date]) -> tuple[int, str]:
    listed = ", ".join(f"date '{m.isoformat()}'" for m in months)
    return fingerprint(database, f"(select * from core.fct_subscriber_months where report_month not in ({listed}))",
                       "subscriber_key, report_month")


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    return generate_landing(tmp_path_factory.mktemp("lifecycle") / "landing")


@pytest.fixture(scope="module")
def months(landing) -> list[date]:
    return landing_months(landing)


@pytest.fixture(scope="module")
def monthly(landing, months, tmp_path_factory) -> DbtSession:
    """A warehouse built the way the scheduler builds it: each month lands, then one incremental
    build for it, in order."""
    work = tmp_path_factory.mktemp("monthly")
    dbt = session(work, work / "landing")
    for i, month in enumerate(months):
        land_until(landing, dbt.landing_dir, month)
        build(dbt, *([] if i == 0 else LATER_BUILD), as_of_month=month)
    return dbt


@pytest.fixture(scope="module")
def full(landing, tmp_path_factory) -> DbtSession:
    """The same landing data in one --full-refresh build (as_of_month: the latest month)."""
    dbt = session(tmp_path_factory.mktemp("full"), landing)
    build(dbt, "--full-refresh", *LATER_BUILD)
    return dbt


# ---------------------------------------------------------------- tests

def test_full_refresh_covers_every_month_with_labels_known_but_the_last(full, months):
    rows = query(full.duckdb_path, """
        select report_month, count(*), count(is_churned_next_month),
               sum(case when is_churned_next_month then 1 else 0 end), count(distinct lifecycle_stage)
        from core.fct_subscriber_months group by report_month order by report_month""")
    assert [r[0] for r in rows] == months
    for report_month, subscribers, labelled, churners, stages in rows:
        assert subscribers > 2500, (report_month, subscribers)
        assert stages >= 4, (report_month, stages)
        if report_month == months[-1]:
            assert labelled == 0, "the last month's label must be null: month m + 1 has not landed"
        else:
            assert labelled == subscribers and churners > 0, (report_month, labelled, churners)


@pytest.mark.parametrize("relation", COMPARED)
def test_month_by_month_builds_equal_one_full_refresh(monthly, full, relation):
    built_monthly = fingerprint(monthly.duckdb_path, relation, COMPARED[relation])
    built_full = fingerprint(full.duckdb_path, relation, COMPARED[relation])
    assert built_monthly[0] > 0
    assert built_monthly == built_full, (
        f"{relation} differs; only in the monthly build: {rows_only_in(monthly.duckdb_path, full.duckdb_path, relation)}"
        f"; only in the full build: {rows_only_in(full.duckdb_path, monthly.duckdb_path, relation)}")


def test_rebuilding_a_past_month_changes_nothing(monthly, months):
    before = {relation: fingerprint(monthly.duckdb_path, relation, order) for relation, order in COMPARED.items()}
    build(monthly, *LATER_BUILD, as_of_month=months[-3])
    after = {relation: fingerprint(monthly.duckdb_path, relation, order) for relation, order in COMPARED.items()}
    assert after == before


def test_a_row_landed_late_appears_when_its_month_is_rebuilt(monthly, landing, months, tmp_path):
    late_month = months[2]
    # a copy of the landing data and of the monthly warehouse, so other tests keep theirs
    late_landing = tmp_path / "landing"
    shutil.copytree(landing, late_landing)
    dbt = copy_warehouse(monthly, tmp_path / "warehouse", late_landing)
    database = dbt.duckdb_path

    # a subscriber active all month with a day without usage: that day's usage arrives late, and a
    # corrected bill (a re-delivery: the later file wins) with 10 yuan more of VAS
    partition = f"month={late_month:%Y-%m}"
    with duckdb.connect() as con:
        subscriber_id, late_day = con.execute(f"""
            with active as (
                select subscriber_id from read_parquet('{late_landing}/subscribers/{partition}/*.parquet', hive_partitioning = false)
                where status = 'active' and status_date < date '{late_month}'
            ),
            used as (
                select subscriber_id, usage_date from read_parquet('{late_landing}/usage_daily/{partition}/*.parquet', hive_partitioning = false)
            ),
            days as (
                select cast(range as date) as usage_date
                from range(date '{late_month}', date '{late_month}' + interval 1 month, interval 1 day)
            )
            select active.subscriber_id, min(days.usage_date)
            from active cross join days
            where not exists (select 1 from used where used.subscriber_id = active.subscriber_id
                                                   and used.usage_date = days.usage_date)
            group by active.subscriber_id
            order by active.subscriber_id
            limit 1""").fetchone()
        con.execute(f"""
            copy (
                select usage_date, subscriber_id, 777 as voice_out_minutes, 0 as voice_in_minutes, 9 as voice_calls,
                       0 as sms_count, cast(0 as double) as data_mb, cast(0 as double) as data_5g_mb, 0 as vas_events, 0 as roaming_minutes,
                       0 as dropped_calls
                from (select cast('{late_day}' as date) as usage_date, '{subscriber_id}' as subscriber_id)
            ) to '{late_landing}/usage_daily/{partition}/part-1-late.parquet' (format parquet)""")
        con.execute(f"""
            copy (
                select * replace (total_fee + 10 as total_fee, vas_fee + 10 as vas_fee, arrears_fee + 10 as arrears_fee)
                from read_parquet('{late_landing}/bills/{partition}/*.parquet', hive_partitioning = false)
                where subscriber_id = '{subscriber_id}'
            ) to '{late_landing}/bills/{partition}/part-1-late.parquet' (format parquet)""")

    before = fct_row(database, subscriber_id, late_month)
    # months neither build below writes: they must not change
    untouched = [m for m in months if m not in (months[1], late_month, months[-2], months[-1])]
    untouched_before = fct_rows_outside(database, [m for m in months if m not in untouched])

    # the regular monthly build of the latest month leaves the past month alone, and warns it
    # is stale: a bill landed for it after it was judged
    stale_warning = "WARN 1 source_judged_every_landed_row_billing_bills_"
    output = build(dbt, *LATER_BUILD, as_of_month=months[-1])
    assert fct_row(database, subscriber_id, late_month) == before
    assert stale_warning in output

    # rebuilding the month picks the late rows up
    output = build(dbt, *LATER_BUILD, as_of_month=late_month)
    assert stale_warning not in output
    after = fct_row(database, subscriber_id, late_month)
    assert after["voice_out_minutes"] == before["voice_out_minutes"] + 777
    assert after["voice_calls"] == before["voice_calls"] + 9
    assert after["active_days"] == before["active_days"] + 1
    assert after["total_fee"] == before["total_fee"] + 10
    assert after["arrears_fee"] == before["arrears_fee"] + 10
    assert after["has_arrears"]
    changed = {k for k in after if after[k] != before[k]}
    assert changed <= {
        "voice_out_minutes", "voice_calls", "voice_minutes", "active_days", "total_fee", "vas_fee", "arrears_fee",
        "has_arrears", "arpu_mom_change", "arpu_mom_change_share", "arpu_baseline_change_share", "mou_mom_change",
        "mou_mom_change_share", "mou_baseline_change_share", "active_days_mom_change",
        "active_days_mom_change_share", "active_days_baseline_change_share", "lifecycle_stage",
    }, changed
    assert untouched and fct_rows_outside(database, [m for m in months if m not in untouched]) == untouched_before
