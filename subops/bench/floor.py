"""The hardware floor: the build's heaviest scans and aggregations as plain DuckDB SQL.

No dbt, no layers, no tests, no validation beyond what the aggregate itself needs: what
the same machine needs at least to turn the landing files into the lifecycle view's
backbone. `subops bench` runs this module in a child process (so its peak memory is its
own) and compares the full build with it (build/floor).

    python -m subops.bench.floor LANDING_DIR DATABASE MEMORY_LIMIT TEMP_DIR

prints one JSON object: seconds per step and the usage rows read.
"""
from __future__ import annotations

import json
import sys
import time

import duckdb

MEASURES = ("voice_out_minutes", "voice_in_minutes", "voice_calls", "sms_count", "vas_events",
            "roaming_minutes", "dropped_calls", "data_mb", "data_5g_mb")


def steps(landing: str) -> dict[str, str]:
    """Step name -> the SQL it runs (each creates one table)."""
    def files(table: str) -> str:
        return f"read_parquet('{landing}/{table}/**/*.parquet', union_by_name = true, hive_partitioning = false)"
    sums = ",\n        ".join(f"sum({m}) as {m}" for m in MEASURES)
    active = " + ".join(m for m in MEASURES if m not in ("dropped_calls", "data_5g_mb"))
    day_bit = "cast(power(2, extract(day from usage_date)) as bigint)"
    return {
        # The daily-usage roll-up: one pass over every usage row, with the repeated-day
        # check the build's dedup needs.
        "usage_rollup": f"""
            create table usage_months as
            select
                subscriber_id,
                date_trunc('month', usage_date) as usage_month,
                {sums},
                sum(case when {active} > 0 then 1 else 0 end) as active_days,
                sum({day_bit}) <> bit_or({day_bit}) as has_repeated_days
            from {files('usage_daily')}
            group by subscriber_id, usage_month""",
        # The lifecycle join: snapshots x usage x bills x circles per subscriber-month,
        # with the 3-month baselines and next month's status (the label's lead).
        "lifecycle_join": f"""
            create table subscriber_months as
            with snapshots as (
                select subscriber_id, snapshot_month, status, plan_id, region_code
                from {files('subscribers')}
            ),
            bills as (
                select subscriber_id, bill_month, sum(total_fee) as total_fee
                from {files('bills')} group by subscriber_id, bill_month
            ),
            circles as (
                select subscriber_id, month as circle_month, max(circle_size) as circle_size
                from {files('circles_monthly')} group by subscriber_id, month
            ),
            joined as (
                select
                    snapshots.*, bills.total_fee, circles.circle_size,
                    usage_months.voice_out_minutes + usage_months.voice_in_minutes as minutes,
                    usage_months.data_mb, usage_months.active_days
                from snapshots
                left join bills on snapshots.subscriber_id = bills.subscriber_id
                    and snapshots.snapshot_month = bills.bill_month
                left join circles on snapshots.subscriber_id = circles.subscriber_id
                    and snapshots.snapshot_month = circles.circle_month
                left join usage_months on snapshots.subscriber_id = usage_months.subscriber_id
                    and snapshots.snapshot_month = usage_months.usage_month
            )
            select
                *,
                avg(total_fee) over previous_3 as total_fee_baseline,
                avg(minutes) over previous_3 as minutes_baseline,
                avg(data_mb) over previous_3 as data_baseline,
                lead(status) over by_month as next_status
            from joined
            window
                by_month as (partition by subscriber_id order by snapshot_month),
                previous_3 as (partition by subscriber_id order by snapshot_month
                               rows between 3 preceding and 1 preceding)""",
    }


def main(argv: list[str]) -> int:
    landing, database, memory_limit, temp_dir = argv
    con = duckdb.connect(database)
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute(f"set temp_directory = '{temp_dir}'")
    con.execute("set preserve_insertion_order = false")
    result: dict[str, float | int] = {}
    for name, sql in steps(landing).items():
        started = time.perf_counter()
        con.execute(sql)
        result[f"{name}_seconds"] = round(time.perf_counter() - started, 2)
    result["usage_rows"] = con.execute(
        f"select count(*) from read_parquet('{landing}/usage_daily/**/*.parquet')").fetchone()[0]
    con.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
