"""`subops run`: lock, dbt build, Great Expectations, atomic publish; exit codes; what a
published run leaves behind (served database, exports, report, history); no raw personal
data in anything published."""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from datetime import date

import duckdb
import pytest

from conftest import TEST_PII_KEY, copy_warehouse, served_state, subops_run
from subops import publish as publisher
from subops.pii_scan import scan_database, scan_files
from subops.quality import SUITES_DIR
from subops.run import (EXIT_DBT_FAILED, EXIT_ERROR, EXIT_EXPECTATIONS_FAILED, EXIT_LOCK_HELD,
                        EXIT_OK, EXIT_USAGE)


def history(warehouse) -> list[dict]:
    return [json.loads(line) for line in (warehouse / "run_history.jsonl").read_text().splitlines()]


def served_month(warehouse) -> date:
    with duckdb.connect(str(warehouse / "served.duckdb"), read_only=True) as con:
        return con.execute("select month from meta.publication").fetchone()[0]


# --- a published run ---------------------------------------------------------------------

def test_a_run_publishes_the_served_database_exports_report_and_history(published_warehouse):
    warehouse = published_warehouse
    [record] = history(warehouse)
    assert record["outcome"] == "published" and record["exit_code"] == EXIT_OK
    assert record["month"] == "2025-03"  # the latest month of the landing data
    assert record["failed_checks"] == [] and record["expectations"]["failed"] == 0
    run_id = record["run_id"]

    # The served database: its own file, only public marts, reference, audit and meta.
    served, build = warehouse / "served.duckdb", warehouse / "build.duckdb"
    assert served.stat().st_ino != build.stat().st_ino
    assert served_month(warehouse) == date(2025, 3, 1)
    with duckdb.connect(str(served), read_only=True) as con:
        schemas = {r[0] for r in con.execute(
            "select distinct table_schema from information_schema.tables").fetchall()}
        assert schemas <= set(publisher.SERVED_SCHEMAS)
        assert {"audit", "reference", "meta"} <= schemas
        assert con.execute("select count(*) from information_schema.tables "
                           "where table_type = 'VIEW'").fetchone()[0] == 0
        marts = publisher.public_marts(con)
        counts = {m: con.execute(f"select count(*) from {m}").fetchone()[0] for m in marts}
    assert not list(warehouse.glob(".served.*"))  # no temp copy left

    # Exports: a folder per run, `current` (symlink) and current.json point to it.
    exports = warehouse / "exports"
    assert os.readlink(exports / "current") == run_id
    pointer = json.loads((exports / "current.json").read_text())
    assert pointer["run_id"] == run_id and pointer["month"] == "2025-03-01"
    manifest = json.loads((exports / run_id / "manifest.json").read_text())
    assert set(manifest["marts"]) == set(marts)
    for mart, entry in manifest["marts"].items():
        parquet = exports / "current" / entry["file"]
        [(rows,)] = duckdb.sql(f"select count(*) from read_parquet('{parquet}')").fetchall()
        assert rows == entry["rows"] == counts[mart]

    # The quality report: one self-contained file, and latest.html is the same.
    report = warehouse / "reports" / f"{run_id}.html"
    text = report.read_text()
    assert (warehouse / "reports" / "latest.html").read_text() == text
    assert "expect_column_values_to_be_between" in text and "reject_share" in text
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I)
    assert "<script" not in text and "<link" not in text


def test_the_summary_names_the_month_rows_tests_expectations_and_outputs(published_warehouse):
    output = (published_warehouse.parent / "run.log").read_text()
    for stage in ("1/4 lock", "2/4 build", "3/4 validate", "4/4 publish"):
        assert stage in output
    summary = output[output.index("== subops run"):]
    assert "published (exit code 0)" in summary
    assert re.search(r"month\s+2025-03", summary)
    assert re.search(r"dbt\s+\d+ nodes ok \(\d+ tests passed\)", summary)
    assert re.search(r"expectations\s+\d+ passed, 0 failed", summary)
    for output_name in ("served database", "exports", "quality report", "run history"):
        assert output_name in summary


def test_nothing_published_holds_raw_personal_data(published_warehouse, run_landing):
    served = scan_database(published_warehouse / "served.duckdb", run_landing, skip_schemas=())
    assert served.raw_values > 1000 and served.relations > 5
    assert served.leaks == []
    files = [p for p in (published_warehouse / "exports" / "current").rglob("*")
             if p.suffix in (".parquet", ".csv")]
    exported = scan_files(files, run_landing)
    assert exported.leaks == []


def test_the_run_publishes_one_dispatch_file_per_channel_without_the_control_group(published_warehouse):
    """The channel systems' files: dispatch_<channel>.csv for every outbound marketing
    channel, the served list's rows, only treatment targets of the month after the run's."""
    dispatch = published_warehouse / "exports" / "current" / "dispatch"
    channels = ("sms", "outbound_call", "app_push", "wechat", "store")
    assert sorted(p.name for p in dispatch.glob("*.csv")) == sorted(f"dispatch_{c}.csv" for c in channels)
    total = 0
    with duckdb.connect(str(published_warehouse / "served.duckdb"), read_only=True) as con:
        for channel in channels:
            path = dispatch / f"dispatch_{channel}.csv"
            lines = path.read_text().splitlines()
            assert lines[0] == ("campaign_month,subscriber_key,msisdn_masked,campaign_id,product_id,"
                                "window_start_date,window_end_date,contact_from_hour,contact_to_hour")
            assert len(lines) - 1 == con.execute(f"select count(*) from campaigns.dispatch_{channel}").fetchone()[0]
            stray = con.execute(f"""
                select count(*) from read_csv('{path}', header = true, all_varchar = true) d
                left join campaigns.campaign_targets t
                  on cast(t.campaign_month as varchar) = d.campaign_month and t.subscriber_key = d.subscriber_key
                 and t.campaign_id = d.campaign_id and t.channel_code = '{channel}' and t.target_group = 'treatment'
                where t.subscriber_key is null or d.campaign_month <> '2025-04-01'
                   or not regexp_full_match(d.msisdn_masked, '1[0-9]{{2}}[*]{{4}}[0-9]{{4}}')""").fetchone()[0]
            assert stray == 0, channel
            total += len(lines) - 1
    assert total > 0


def test_the_scan_finds_planted_personal_data(run_landing, tmp_path):
    """The scan's negative control: a raw msisdn in another format, an ID number and a name."""
    with duckdb.connect() as con:
        msisdn, cert_id, name = con.execute(
            f"select msisdn, cert_id, customer_name from read_parquet('{run_landing}/subscribers/**/*.parquet') "
            "where customer_name is not null limit 1").fetchone()
    planted = tmp_path / "planted.duckdb"
    with duckdb.connect(str(planted)) as con:
        con.execute("create schema core")
        con.execute("create table core.leaky as select ? as phone, ? as note, ? as who, 1 as fine",
                    [f"+86 {msisdn[:3]}-{msisdn[3:7]}-{msisdn[7:]}", f"id {cert_id.lower()} seen", name])
        con.execute(f"copy core.leaky to '{tmp_path / 'leaky.parquet'}' (format parquet)")
    assert len(scan_database(planted, run_landing).leaks) == 3
    assert len(scan_files([tmp_path / "leaky.parquet"], run_landing).leaks) == 3


def test_another_month_publishes_a_new_export_folder_and_switches_current(published_warehouse,
                                                                          run_landing, tmp_path):
    warehouse = copy_warehouse(published_warehouse, tmp_path / "warehouse")
    first = os.readlink(warehouse / "exports" / "current")
    result = subops_run(run_landing, warehouse, "--month", "2025-02", "--full-refresh")
    assert result.returncode == EXIT_OK, result.stdout[-4000:]
    assert re.search(r'\$ dbt build .*"as_of_month": "2025-02-01".* --full-refresh', result.stdout)
    second = os.readlink(warehouse / "exports" / "current")
    assert second != first and (warehouse / "exports" / first).is_dir()  # the old one is kept
    assert json.loads((warehouse / "exports" / "current.json").read_text())["run_id"] == second
    assert served_month(warehouse) == date(2025, 2, 1)
    with duckdb.connect(str(warehouse / "served.duckdb"), read_only=True) as con:
        # a full refresh as of February rebuilds every month up to February, no later
        assert con.execute("select max(report_month) from core.fct_subscriber_months").fetchone()[0] \
            == date(2025, 2, 1)
    assert [r["outcome"] for r in history(warehouse)] == ["published", "published"]


# --- failures change nothing readers see ---------------------------------------------------

def test_a_failed_expectation_exits_4_names_it_and_changes_nothing(published_warehouse, run_landing,
                                                                   tmp_path):
    suites = tmp_path / "suites"
    shutil.copytree(SUITES_DIR, suites)
    (suites / "too_few_channels.yml").write_text(
        "relation: reference.channels\n"
        "expectations:\n"
        "  - expect_table_row_count_to_be_between: {max_value: 1}\n")
    warehouse = copy_warehouse(published_warehouse, tmp_path / "warehouse")
    before = served_state(warehouse)
    result = subops_run(run_landing, warehouse, "--suites-dir", str(suites))
    assert result.returncode == EXIT_EXPECTATIONS_FAILED, result.stdout[-4000:]
    assert "too_few_channels / rows: expect_table_row_count_to_be_between" in result.stdout
    assert "expectations_failed (exit code 4)" in result.stdout
    assert served_state(warehouse) == before
    last = history(warehouse)[-1]
    assert last["outcome"] == "expectations_failed"
    assert any("too_few_channels" in check for check in last["failed_checks"])
    report = (warehouse / "reports" / "latest.html").read_text()
    assert last["run_id"] in report and "too_few_channels" in report and "FAIL" in report


def test_a_failed_dbt_test_exits_3_names_the_node_and_changes_nothing(published_warehouse,
                                                                      run_landing, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(run_landing, landing)
    # Every circle row of one month delivered twice: duplicate_key far above reject_error_share.
    [part] = (landing / "circles_monthly" / "month=2025-03").glob("*.parquet")
    shutil.copy(part, part.with_name("again.parquet"))
    warehouse = copy_warehouse(published_warehouse, tmp_path / "warehouse")
    before = served_state(warehouse)
    result = subops_run(landing, warehouse)
    assert result.returncode == EXIT_DBT_FAILED, result.stdout[-4000:]
    assert "dbt_failed (exit code 3)" in result.stdout
    assert re.search(r"failed\s+test\.subscriber_ops\.reject_share_within_audit_usage__call_circle_rejects",
                     result.stdout)
    assert served_state(warehouse) == before
    assert history(warehouse)[-1]["outcome"] == "dbt_failed"


def test_a_second_run_exits_5_at_once_while_the_lock_is_held(published_warehouse, run_landing, tmp_path):
    warehouse = copy_warehouse(published_warehouse, tmp_path / "warehouse")
    before = served_state(warehouse)
    with open(warehouse / "run.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = subops_run(run_landing, warehouse, timeout=60)
    assert result.returncode == EXIT_LOCK_HELD
    assert "another subops run holds" in result.stdout
    assert "2/4 build" not in result.stdout
    assert served_state(warehouse) == before
    assert history(warehouse)[-1]["outcome"] == "lock_held"


def test_a_run_stopped_with_sigterm_stops_dbt_releases_the_lock_and_changes_nothing(
        published_warehouse, run_landing, tmp_path):
    warehouse = copy_warehouse(published_warehouse, tmp_path / "warehouse")
    before = served_state(warehouse)
    command = [sys.executable, "-m", "subops.cli", "run", "--landing-dir", str(run_landing),
               "--warehouse-dir", str(warehouse)]
    run = subprocess.Popen(command, env={**os.environ, "SUBOPS_PII_KEY": TEST_PII_KEY},
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in run.stdout:
        lines.append(line)
        if "Concurrency: " in line:  # dbt has opened the build database
            break
    run.send_signal(signal.SIGTERM)
    lines += run.stdout.readlines()
    output = "".join(lines)
    assert run.wait(timeout=120) == EXIT_ERROR, output[-3000:]
    assert "interrupted" in output
    assert served_state(warehouse) == before
    with open(warehouse / "run.lock", "a+") as lock:  # free again
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    duckdb.connect(str(warehouse / "build.duckdb")).close()  # no dbt left writing it
    assert history(warehouse)[-1]["outcome"] == "error"


@pytest.mark.parametrize("case", ["no key", "no landing folder", "bad month", "no suites folder"])
def test_bad_usage_exits_2_with_a_clear_message_before_anything_is_built(case, run_landing, tmp_path):
    warehouse = tmp_path / "warehouse"
    landing, args, env, expected = run_landing, [], {}, ""
    if case == "no key":
        env, expected = {"SUBOPS_PII_KEY": ""}, "SUBOPS_PII_KEY is not set"
    elif case == "no landing folder":
        landing, expected = tmp_path / "nowhere", f"landing folder {tmp_path / 'nowhere'} does not exist"
    elif case == "bad month":
        args, expected = ["--month", "2025-13"], "expected YYYY-MM, got '2025-13'"
    else:
        args, expected = ["--suites-dir", str(tmp_path / "none")], "does not exist"
    result = subops_run(landing, warehouse, *args, env=env, timeout=120)
    assert result.returncode == EXIT_USAGE
    assert expected in result.stdout
    assert not (warehouse / "build.duckdb").exists()


# --- the publisher alone -------------------------------------------------------------------

def _fake_build(path):
    with duckdb.connect(str(path)) as con:
        con.execute("""
            create schema core; create schema campaigns; create schema tags;
            create schema staging; create schema landing; create schema reference;
            create table core.fct_things as select range as id, 'x' || range as label from range(10);
            create table campaigns.dispatch_sms as select range as id, '138****0000' as msisdn_masked
                from range(4);
            create table campaigns.target_lists as select range as id from range(6);
            create table staging.base_secret as select 'raw' as value;
            create view landing.raw as select 'raw' as value;
            create view tags.tag_view as select id, label from core.fct_things where id < 3;
            create table reference.channels as select 'sms' as channel_code;
            create table main.leftover as select 1 as x;
        """)


def test_the_publisher_finds_new_marts_and_dispatch_lists_by_convention(tmp_path):
    build = tmp_path / "build.duckdb"
    _fake_build(build)
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    publication = publisher.publish(build, warehouse, "20250101T000000Z-000001", date(2025, 3, 1))
    assert publication.marts == {"campaigns.dispatch_sms": 4, "campaigns.target_lists": 6,
                                 "core.fct_things": 10, "tags.tag_view": 3}
    assert [p.name for p in publication.dispatch_files] == ["dispatch_sms.csv"]
    current = warehouse / "exports" / "current"
    assert (current / "dispatch" / "dispatch_sms.csv").read_text().splitlines()[0] == "id,msisdn_masked"
    assert (current / "tags" / "tag_view.parquet").exists()
    with duckdb.connect(str(warehouse / "served.duckdb"), read_only=True) as con:
        relations = set(con.execute("select table_schema || '.' || table_name || ':' || table_type "
                                    "from information_schema.tables").fetchall())
    assert relations == {(r,) for r in (
        "campaigns.dispatch_sms:BASE TABLE", "campaigns.target_lists:BASE TABLE",
        "core.fct_things:BASE TABLE", "tags.tag_view:BASE TABLE", "reference.channels:BASE TABLE",
        "meta.publication:BASE TABLE")}


def test_the_publisher_keeps_the_newest_export_folders_and_never_the_build_file(tmp_path):
    build = tmp_path / "build.duckdb"
    _fake_build(build)
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    build_bytes = build.read_bytes()
    run_ids = [f"2025010{i}T000000Z-00000{i}" for i in range(1, 6)]
    for run_id in run_ids:
        publisher.publish(build, warehouse, run_id, date(2025, 3, 1))
    folders = sorted(p.name for p in (warehouse / "exports").iterdir() if p.is_dir() and not p.is_symlink())
    assert folders == run_ids[-publisher.KEEP_EXPORTS:]
    assert os.readlink(warehouse / "exports" / "current") == run_ids[-1]
    assert build.read_bytes() == build_bytes
    assert sorted(p.name for p in warehouse.iterdir()) == ["exports", "served.duckdb"]
