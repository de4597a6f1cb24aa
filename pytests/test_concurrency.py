"""Readers and the monthly run at the same time: a BI reader holding the served database
open keeps querying without a single error while `subops run` builds and publishes the
next month; a reader that connects afterwards sees the new month; a second run started
meanwhile exits at once with the lock-held code."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date

import duckdb

from conftest import TEST_PII_KEY, copy_landing, subops_run
from subops.run import EXIT_LOCK_HELD, EXIT_OK

READER = r'''
import json, pathlib, sys, time
import duckdb

served, ready, stop, out = sys.argv[1:5]
con = duckdb.connect(served, read_only=True)  # one connection, held for the whole run
log = {"queries": 0, "errors": [], "months": [], "times": []}
while not pathlib.Path(stop).exists():
    try:
        month = con.execute("select month from meta.publication").fetchone()[0]
        relations = con.execute("""
            select table_schema, table_name from information_schema.tables
            where table_schema not in ('information_schema', 'pg_catalog')""").fetchall()
        rows = sum(con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0] for s, t in relations)
        log["queries"] += 1
        log["times"].append(time.time())
        if str(month) not in log["months"]:
            log["months"].append(str(month))
        pathlib.Path(ready).touch()
    except Exception as err:
        log["errors"].append(repr(err))
    time.sleep(0.05)
con.close()
pathlib.Path(out).write_text(json.dumps(log))
'''


def test_a_reader_keeps_reading_while_a_run_publishes_and_a_new_reader_sees_the_new_month(
        run_landing, tmp_path):
    # The landing data without its last month, published: the state before March arrives.
    landing = copy_landing(run_landing, tmp_path / "landing")
    march = sorted(d.name for d in landing.iterdir() if (d / "month=2025-03").is_dir())
    assert "subscribers" in march
    held_back = tmp_path / "march"
    for table in march:
        (held_back / table).mkdir(parents=True)
        shutil.move(landing / table / "month=2025-03", held_back / table / "month=2025-03")
    warehouse = tmp_path / "warehouse"
    first = subops_run(landing, warehouse)
    assert first.returncode == EXIT_OK, first.stdout[-4000:]

    # March is delivered. A reader holds served.duckdb and queries in a loop.
    for table in march:
        shutil.move(held_back / table / "month=2025-03", landing / table / "month=2025-03")
    script, ready, stop, out = (tmp_path / n for n in ("reader.py", "ready", "stop", "reader.json"))
    script.write_text(READER)
    reader = subprocess.Popen([sys.executable, str(script), str(warehouse / "served.duckdb"),
                               str(ready), str(stop), str(out)])
    try:
        deadline = time.time() + 60
        while not ready.exists():
            assert reader.poll() is None and time.time() < deadline, "the reader did not start"
            time.sleep(0.05)

        # The monthly run, and a second one while it holds the lock.
        command = [sys.executable, "-m", "subops.cli", "run", "--landing-dir", str(landing),
                   "--warehouse-dir", str(warehouse)]
        run = subprocess.Popen(command, env={**os.environ, "SUBOPS_PII_KEY": TEST_PII_KEY},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = []
        for line in run.stdout:
            lines.append(line)
            if "2/4 build" in line:
                break
        second = subops_run(landing, warehouse, timeout=60)
        lines += run.stdout.readlines()
        assert run.wait(timeout=900) == EXIT_OK, "".join(lines)[-4000:]
        published_at = time.time()
        time.sleep(0.5)  # the held reader keeps querying after the switch
    finally:
        stop.touch()
        reader.wait(timeout=60)

    assert second.returncode == EXIT_LOCK_HELD, second.stdout[-2000:]
    assert "another subops run holds" in second.stdout

    log = json.loads(out.read_text())
    assert log["errors"] == []
    assert log["queries"] > 20
    assert log["times"][-1] > published_at  # it was still reading after the publish
    assert log["months"] == ["2025-02-01"]  # the file it opened, unchanged under it

    with duckdb.connect(str(warehouse / "served.duckdb"), read_only=True) as con:
        assert con.execute("select month from meta.publication").fetchone()[0] == date(2025, 3, 1)
        assert con.execute("select max(report_month) from core.fct_subscriber_months"
                           ).fetchone()[0] == date(2025, 3, 1)
