"""`subops bench`: how fast the warehouse builds, how it scales, how far from the floor.

One run measures, on one tier of generated data (N subscribers x M months):
  full         dbt build --full-refresh of every month (models and data tests; like the
               monthly job, no unit tests)
  incremental  dbt build of the latest month again, incremental: the same work as a newly
               landed month (that month and the one before are replaced; the tables that
               are not incremental are rebuilt)
  lifecycle_month, tags_segments_month
               the same month again, one slice of the project at a time (selectors.yml):
               the lifecycle view with what it reads, then the tags and segments
  floor        the same heavy scans and aggregations as plain DuckDB SQL without dbt
               (subops/bench/floor.py: the daily-usage roll-up and the lifecycle join)
  postgres     (--postgres) `subops load` and the same full build on a private PostgreSQL
Each stage runs in a child process; its wall time and peak memory (max RSS) are its own.
Times on a shared machine are noisy, so compare the ratios of one run.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from subops.cli import UserError
from subops.dbt import PRODUCTION_EXCLUDES, DbtSession
from subops.paths import PROJECT_DIR

BENCH_KEY = "bench-key-not-a-secret"
DEFAULT_WORK_DIR = PROJECT_DIR / "warehouse" / "bench"
DEFAULT_DATA_DIR = PROJECT_DIR / "data" / "bench"
MEMORY_LIMIT = "12GB"  # the DuckDB memory_limit of profiles.yml: the default of --memory-limit
# The generator's own limit for a tier. Its default (5GB) runs out of memory at 10M x 3 while
# sorting one month of usage_daily (~240M rows); 16GB completed with a 17.2 GB peak RSS.
GENERATE_MEMORY_LIMIT = "16GB"
# One-month slices built on their own after the incremental stage: stage -> dbt selector.
MONTH_SLICES = {"lifecycle_month": "lifecycle_month", "tags_segments_month": "tags_and_segments"}
# This machine's targets (2 cores, 24 GiB, 1M subscribers x 12 months): stage -> max seconds.
TARGET_SECONDS = {"full": 300, "incremental": 60, "lifecycle_month": 60, "tags_segments_month": 60}
TARGET_PEAK_MB = 12 * 1024
TARGET_BUILD_FLOOR = 2.0
USAGE_ROLLUP_MODELS = ("base_usage__usage_month_sums", "base_usage__usage_day_repeats",
                       "int_usage_days_aggregated_to_months")


@dataclass
class Stage:
    name: str
    seconds: float
    peak_memory_mb: float
    ok: bool
    detail: dict = field(default_factory=dict)


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help="measure build speed and memory at a data tier",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--subscribers", type=int, default=100_000, help="subscribers (default 100000)")
    p.add_argument("--months", type=int, default=12, help="months of history (default 12)")
    p.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    p.add_argument("--defect-rate", type=float, default=0.01, help="generator defect rate (default 0.01)")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                   help=f"where tiers are generated and reused (default {DEFAULT_DATA_DIR})")
    p.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR,
                   help=f"databases and dbt files of the run, replaced each run (default {DEFAULT_WORK_DIR})")
    p.add_argument("--postgres", action="store_true", help="also load and build on a private PostgreSQL 15")
    p.add_argument("--memory-limit", default=MEMORY_LIMIT,
                   help=f"DuckDB memory_limit of the builds and the floor (default {MEMORY_LIMIT}, as profiles.yml)")
    p.add_argument("--skip-incremental", action="store_true", help="measure the full build and the floor only")
    p.add_argument("--json", type=Path, help="also write the figures as JSON (for a trend)")
    return p


def run(args: argparse.Namespace) -> int:
    if args.subscribers < 100 or args.months < 2:
        raise UserError("a tier needs at least 100 subscribers and 2 months")
    landing = tier_data(args)
    work = args.work_dir
    shutil.rmtree(work, ignore_errors=True)
    (work / "tmp").mkdir(parents=True)
    session = DbtSession(duckdb_path=work / "bench.duckdb", landing_dir=landing, work_dir=work / "dbt",
                         extra_env={"SUBOPS_PII_KEY": BENCH_KEY, "SUBOPS_DUCKDB_MEMORY_LIMIT": args.memory_limit})
    stages: list[Stage] = []
    results: dict[str, dict] = {}

    full = dbt_stage("full", session, "build", "--full-refresh")
    stages.append(full)
    results["full"] = read_run_results(session)
    if not args.skip_incremental and full.ok:
        stages.append(dbt_stage("incremental", session, "build"))
        results["incremental"] = read_run_results(session)
        # the same month again, one slice at a time (selectors.yml): what issues 3 and 4 time
        for name, selector in MONTH_SLICES.items():
            stages.append(dbt_stage(name, session, "build", "--selector", selector))
    stages.append(floor_stage(landing, work, args.memory_limit))
    if args.postgres:
        stages.extend(postgres_stages(session, landing, work))

    report = build_report(args, landing, stages, results)
    print(render(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, default=str))
        print(f"\nJSON written to {args.json}")
    return 0 if all(stage.ok for stage in stages) else 3


# -- data -------------------------------------------------------------------------------
def tier_data(args) -> Path:
    """The tier's landing folder: generated once, reused while its parameters match."""
    landing = args.data_dir / f"{args.subscribers}x{args.months}-seed{args.seed}-defects{args.defect_rate}"
    wanted = {"subscribers": args.subscribers, "months": args.months, "seed": args.seed,
              "defect_rate": args.defect_rate, "start_month": "2025-01"}
    manifest = landing / "manifest.json"
    if manifest.exists():
        found = json.loads(manifest.read_text())["parameters"]
        if all(str(found.get(k)) == str(v) for k, v in wanted.items()):
            print(f"bench: reusing {landing}")
            return landing
    print(f"bench: generating {args.subscribers} subscribers x {args.months} months into {landing}")
    command = [sys.executable, "-m", "subops.cli", "generate", "--subscribers", str(args.subscribers),
               "--months", str(args.months), "--start-month", "2025-01", "--seed", str(args.seed),
               "--defect-rate", str(args.defect_rate), "--out", str(landing), "--force", "--no-progress",
               "--memory-limit", GENERATE_MEMORY_LIMIT]
    log = landing.parent / f"{landing.name}.generate.log"
    landing.parent.mkdir(parents=True, exist_ok=True)
    seconds, peak, code = measured(command, log=log)
    if code != 0:
        last = log.read_text(errors="replace").strip().splitlines()[-1:] or ["(no output)"]
        raise UserError(f"generating the tier failed (exit {code}): {last[0]} (log {log})")
    print(f"bench: generated in {seconds:.0f} s, peak {peak:.0f} MB")
    return landing


# -- stages -----------------------------------------------------------------------------
def measured(command: list[str], env: dict | None = None, cwd: Path | None = None,
             log: Path | None = None) -> tuple[float, float, int]:
    """Run a child process: its wall seconds, its peak RSS in MB, its exit code."""
    out = open(log, "w") if log else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()
    return seconds, usage.ru_maxrss / 1024, child.returncode


def dbt_stage(name: str, session: DbtSession, *args: str) -> Stage:
    """One dbt command as the monthly job runs it (without unit tests), timed."""
    args = (*args, *PRODUCTION_EXCLUDES)
    log = session.work_dir / f"{name}.log"
    session.work_dir.mkdir(parents=True, exist_ok=True)
    print(f"bench: {name}: dbt {' '.join(args)} --target {session.target} (log {log})", flush=True)
    seconds, peak, code = measured(session.command(*args), env=session.env(), cwd=session.project_dir, log=log)
    return Stage(name, round(seconds, 1), round(peak), code == 0, {"log": str(log), "exit_code": code})


def floor_stage(landing: Path, work: Path, memory_limit: str) -> Stage:
    print("bench: floor: plain DuckDB roll-up and lifecycle join", flush=True)
    database = work / "floor.duckdb"
    output = work / "floor.json"
    command = [sys.executable, "-m", "subops.bench.floor", str(landing), str(database), memory_limit,
               str(work / "tmp")]
    seconds, peak, code = measured(command, log=output)
    detail = {}
    if code == 0:
        detail = json.loads(output.read_text().strip().splitlines()[-1])
    database.unlink(missing_ok=True)
    return Stage("floor", round(seconds, 1), round(peak), code == 0, detail)


def postgres_stages(duck_session: DbtSession, landing: Path, work: Path) -> list[Stage]:
    from subops.postgres.server import PostgresServer

    print("bench: postgres: starting a private PostgreSQL 15", flush=True)
    with PostgresServer(base_dir=work) as server:
        env = {**os.environ, **server.env()}
        load_seconds, load_peak, load_code = measured(
            [sys.executable, "-m", "subops.cli", "load", "--target", "postgres", "--landing-dir", str(landing)],
            env=env, log=work / "postgres_load.log")
        stages = [Stage("postgres_load", round(load_seconds, 1), round(load_peak), load_code == 0)]
        if load_code != 0:
            return stages
        session = DbtSession(duckdb_path=duck_session.duckdb_path, landing_dir=landing, target="postgres",
                             work_dir=work / "dbt_postgres", extra_env={**server.env(), "SUBOPS_PII_KEY": BENCH_KEY})
        stages.append(dbt_stage("postgres_full", session, "build", "--full-refresh"))
    return stages


# -- report -----------------------------------------------------------------------------
def read_run_results(session: DbtSession) -> dict:
    target = session.work_dir / "target"
    results = json.loads((target / "run_results.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = manifest["nodes"]
    timings = []
    for result in results["results"]:
        node = nodes.get(result["unique_id"])
        if node is None:
            continue
        timings.append({"name": node["name"], "resource_type": node["resource_type"],
                        "layer": layer_of(node, nodes), "seconds": result["execution_time"],
                        "status": result["status"]})
    return {"elapsed": results.get("elapsed_time"), "timings": timings}


def layer_of(node: dict, nodes: dict) -> str:
    """staging, audit, intermediate, core, tags, segments, ... for a model, seed or test."""
    if node["resource_type"] in ("test", "unit_test"):
        parents = [nodes[p] for p in node.get("depends_on", {}).get("nodes", []) if p in nodes]
        models = [p for p in parents if p["resource_type"] == "model"]
        return layer_of(models[-1], nodes) if models else "other"
    if node["resource_type"] == "seed":
        return "seeds"
    fqn = node.get("fqn", [])
    if len(fqn) > 2 and fqn[1] == "marts":
        return fqn[2]
    return fqn[1] if len(fqn) > 2 else "other"


def build_report(args, landing: Path, stages: list[Stage], results: dict) -> dict:
    by_name = {stage.name: stage for stage in stages}
    manifest = json.loads((landing / "manifest.json").read_text())
    report: dict = {
        "tier": {"subscribers": args.subscribers, "months": args.months, "seed": args.seed,
                 "defect_rate": args.defect_rate, "landing": str(landing), "memory_limit": args.memory_limit,
                 "rows": manifest.get("row_counts", {})},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "stages": [asdict(stage) for stage in stages],
    }
    full = results.get("full")
    if full:
        report["layers"] = layer_table(full["timings"], results.get("incremental", {}).get("timings"))
        models = [t for t in full["timings"] if t["resource_type"] in ("model", "test")]
        report["slowest"] = sorted(models, key=lambda t: -t["seconds"])[:5]
        usage_rows = manifest.get("row_counts", {}).get("usage_daily", 0)
        rollup = sum(t["seconds"] for t in full["timings"] if t["name"] in USAGE_ROLLUP_MODELS)
        floor = by_name.get("floor")
        report["usage_rollup_rows_per_second"] = {
            "build": round(usage_rows / rollup) if rollup else None,
            "floor": round(usage_rows / floor.detail["usage_rollup_seconds"])
            if floor and floor.ok and floor.detail.get("usage_rollup_seconds") else None,
        }
    ratios = {}

    def ratio(a: str, b: str):
        if a in by_name and b in by_name and by_name[a].ok and by_name[b].ok and by_name[b].seconds:
            return round(by_name[a].seconds / by_name[b].seconds, 2)
        return None
    ratios["build/floor"] = ratio("full", "floor")
    ratios["incremental/full"] = ratio("incremental", "full")
    ratios["postgres/duckdb"] = ratio("postgres_full", "full")
    report["ratios"] = {k: v for k, v in ratios.items() if v is not None}
    report["targets"] = target_checks(stages, report["ratios"])
    return report


def target_checks(stages: list[Stage], ratios: dict) -> list[dict]:
    """Each measured figure against its target (wall seconds, peak memory, build/floor)."""
    checks = []
    for stage in stages:
        if stage.ok and stage.name in TARGET_SECONDS:
            checks.append({"what": f"{stage.name} wall s", "measured": stage.seconds,
                           "target": f"<= {TARGET_SECONDS[stage.name]}",
                           "met": stage.seconds <= TARGET_SECONDS[stage.name]})
    dbt_stages = [stage for stage in stages if stage.ok and not stage.name.startswith(("floor", "postgres"))]
    if dbt_stages:
        peak = max(stage.peak_memory_mb for stage in dbt_stages)
        checks.append({"what": "peak MiB of the DuckDB stages", "measured": peak,
                       "target": f"<= {TARGET_PEAK_MB}", "met": peak <= TARGET_PEAK_MB})
    if "build/floor" in ratios:
        checks.append({"what": "build/floor", "measured": ratios["build/floor"],
                       "target": f"<= {TARGET_BUILD_FLOOR}", "met": ratios["build/floor"] <= TARGET_BUILD_FLOOR})
    return checks


def layer_table(full: list[dict], incremental: list[dict] | None) -> list[dict]:
    rows: dict[str, dict] = {}
    for run_name, timings in (("full", full), ("incremental", incremental or [])):
        for t in timings:
            row = rows.setdefault(t["layer"], {"layer": t["layer"]})
            kind = "tests" if t["resource_type"] in ("test", "unit_test") else "models"
            key = f"{run_name}_{kind}_seconds"
            row[key] = round(row.get(key, 0) + t["seconds"], 1)
    order = ["seeds", "staging", "audit", "intermediate", "core", "tags", "segments", "churn", "campaigns", "kpi"]
    return sorted(rows.values(), key=lambda r: order.index(r["layer"]) if r["layer"] in order else 99)


def render(report: dict) -> str:
    tier = report["tier"]
    lines = [f"\nsubops bench: {tier['subscribers']:,} subscribers x {tier['months']} months "
             f"({tier['rows'].get('usage_daily', 0):,} usage rows), {report['machine']['cpus']} CPUs, "
             f"{report['machine']['memory_gb']} GiB, DuckDB memory_limit {tier['memory_limit']}", "",
             f"{'stage':<16}{'wall s':>10}{'peak MiB':>12}  status"]
    for stage in report["stages"]:
        lines.append(f"{stage['name']:<16}{stage['seconds']:>10.1f}{stage['peak_memory_mb']:>12,.0f}  "
                     f"{'ok' if stage['ok'] else 'FAILED'}")
    if report.get("layers"):
        lines += ["", "time per layer (seconds summed over nodes; 2 dbt threads, so above wall time)",
                  f"{'layer':<14}{'full models':>12}{'full tests':>12}{'incr models':>12}{'incr tests':>12}"]
        for row in report["layers"]:
            lines.append(f"{row['layer']:<14}" + "".join(
                f"{row.get(k, 0):>12.1f}" for k in ("full_models_seconds", "full_tests_seconds",
                                                   "incremental_models_seconds", "incremental_tests_seconds")))
    if report.get("slowest"):
        lines += ["", "five slowest nodes of the full build"]
        for t in report["slowest"]:
            lines.append(f"  {t['seconds']:>8.1f} s  {t['resource_type']:<6} {t['name']}")
    if report.get("usage_rollup_rows_per_second"):
        rps = report["usage_rollup_rows_per_second"]
        lines += ["", "usage roll-up rows/s: build " + (f"{rps['build']:,}" if rps["build"] else "-")
                  + ", floor " + (f"{rps['floor']:,}" if rps["floor"] else "-")]
    if report["ratios"]:
        lines += ["", "ratios: " + ", ".join(f"{k} {v}" for k, v in report["ratios"].items())]
    if report.get("targets"):
        lines += ["", "targets (1M subscribers x 12 months on 2 cores, 24 GiB)"]
        for check in report["targets"]:
            lines.append(f"  {check['what']:<34}{check['measured']:>10}  target {check['target']:<9} "
                         f"{'met' if check['met'] else 'NOT met'}")
    return "\n".join(lines)
