"""Writes an ingest result: the seven landing tables as Parquet (exact contract columns and types,
zstd, one file per month partition, rows ordered by all columns), holdout_split.csv and
ingest_report.json. Orders dated before the observation month go to the partition `history`
(like `subops generate`); a table without rows gets one zero-row file in the M0 partition."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from subops.generate.schema import COLUMNS, PARTITION_COLUMN, select_list
from subops.paths import LANDING_TABLES

from .common import IngestResult, user_error, ym

SPLIT_FILE = "holdout_split.csv"
REPORT_FILE = "ingest_report.json"
OWNED = tuple(LANDING_TABLES) + (SPLIT_FILE, REPORT_FILE)


def check_out(out: Path, force: bool) -> None:
    """Refuse an --out holding anything this command did not write, or its earlier output without --force.
    Nothing is removed here: the old output goes only once the new one is ready to be written."""
    if out.exists() and not out.is_dir():
        raise user_error(f"--out {out} exists and is not a folder")
    if not out.is_dir():
        return
    names = sorted(p.name for p in out.iterdir())
    others = [n for n in names if n not in OWNED]
    if others:
        raise user_error(f"--out {out} holds files subops ingest did not write ({others[0]}, ...); "
                         "use an empty or new folder")
    if names and not force:
        raise user_error(f"--out {out} already holds ingested data; use --force to replace it")


def _text(value) -> str | None:
    """Every value handed to DuckDB as text; the contract types come from the casts of select_list."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _partition(value: str | None, m0: date) -> str:
    month = (value or "")[:7]
    return "history" if month < ym(m0) else f"month={month}"


def write_table(con: duckdb.DuckDBPyConnection, out: Path, table: str, rows: list[dict], m0: date) -> int:
    names = [c for c, _ in COLUMNS[table]]
    frame = pd.DataFrame([[_text(r.get(c)) for c in names] for r in rows], columns=names, dtype=object)
    parts = sorted({_partition(v, m0) for v in frame[PARTITION_COLUMN[table]]}) or [f"month={ym(m0)}"]
    frame["_part"] = [_partition(v, m0) for v in frame[PARTITION_COLUMN[table]]]
    # all-text columns (a zero-row frame would otherwise have no usable type)
    con.register("frame_raw", frame)
    con.execute("create or replace temp table frame as select "
                + ", ".join(f"cast({c} as varchar) as {c}" for c in [*names, "_part"]) + " from frame_raw")
    con.unregister("frame_raw")
    for part in parts:
        path = out / table / part / "part-0.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"""
            copy (select {select_list(table)} from frame where _part = '{part}' order by all)
            to '{path.as_posix()}' (format parquet, compression zstd)
        """)
    con.execute("drop table frame")
    return len(rows)


def write_all(out: Path, result: IngestResult, force: bool) -> dict[str, int]:
    check_out(out, force)
    if out.is_dir():
        for p in out.iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:", config={"threads": 1, "preserve_insertion_order": True})
    try:
        rows = {t: write_table(con, out, t, result.tables.get(t, []), result.m0) for t in LANDING_TABLES}
    finally:
        con.close()
    with (out / SPLIT_FILE).open("w", newline="", encoding="utf-8") as f:
        f.write("subscriber_id,split\n")
        for sid, split in sorted(result.split):
            f.write(f"{sid},{split}\n")
    report = {**result.report, "rows_written": rows,
              "split": {s: sum(1 for _, x in result.split if x == s) for s in ("train", "evaluate")}}
    (out / REPORT_FILE).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return rows
