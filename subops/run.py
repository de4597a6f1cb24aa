"""`subops run`: the monthly job: lock, dbt build, Great Expectations, atomic publish.

The scheduler calls this once a month (or for any month to re-run or back-fill) and trusts
its exit code:

  0  ok: built, validated and published (dbt warnings and warning-level expectations allowed)
  1  unexpected error (a bug, traceback printed; a broken suite file; SIGTERM)
  2  bad input or usage: bad arguments, SUBOPS_PII_KEY unset, landing folder missing
  3  dbt build failed: a model or a data test (e.g. a reject share above reject_error_share,
     a landing file missing a contract column); the failed nodes are named
  4  expectations failed: a critical Great Expectations check on the marts or the audit
  5  lock held: another `subops run` is using this warehouse folder; nothing was done
  6  publishing failed before the switch (e.g. disk full); served data unchanged

On any non-zero exit the served database and the exports are exactly as they were.
"""
from __future__ import annotations

import argparse
import errno
import fcntl
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from subops.dbt import PRODUCTION_EXCLUDES, DbtSession
from subops.paths import DEFAULT_LANDING_DIR, DEFAULT_WAREHOUSE_DIR, PROJECT_DIR

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_DBT_FAILED = 3
EXIT_EXPECTATIONS_FAILED = 4
EXIT_LOCK_HELD = 5
EXIT_PUBLISH_FAILED = 6

OUTCOMES = {
    EXIT_OK: "published", EXIT_ERROR: "error", EXIT_USAGE: "bad_input", EXIT_DBT_FAILED: "dbt_failed",
    EXIT_EXPECTATIONS_FAILED: "expectations_failed", EXIT_LOCK_HELD: "lock_held",
    EXIT_PUBLISH_FAILED: "publish_failed",
}

PII_KEY_ENV = "SUBOPS_PII_KEY"
BUILD_FILE = "build.duckdb"
LOCK_FILE = "run.lock"
HISTORY_FILE = "run_history.jsonl"
REPORTS_DIR = "reports"
DBT_WORK_DIR = "dbt"  # dbt's target/ (run_results.json) and logs/ for this warehouse

_FAILED_STATUSES = ("error", "fail", "runtime error")


def _month(text: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM, got {text!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)


def add_parser(subparsers, name):
    parser = subparsers.add_parser(
        name, help="the monthly job: lock, dbt build, expectations, atomic publish",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--month", type=_month, default=None, metavar="YYYY-MM",
                        help="month to build (dbt var as_of_month); default: the latest complete "
                             "month in the landing data")
    parser.add_argument("--full-refresh", action="store_true",
                        help="rebuild incremental models from scratch (dbt build --full-refresh)")
    parser.add_argument("--landing-dir", type=Path, default=DEFAULT_LANDING_DIR,
                        help="landing folder, one sub-folder per table (default: data/landing)")
    parser.add_argument("--warehouse-dir", type=Path, default=DEFAULT_WAREHOUSE_DIR,
                        help="where build.duckdb, served.duckdb, exports/, reports/ and the lock "
                             "live (default: warehouse)")
    parser.add_argument("--scorecard", default=None, metavar="NAME",
                        help="the trained churn scorecard to apply (dbt var churn_scorecard; default: "
                             "the project's, demo); see `subops churn train --name`")
    parser.add_argument("--suites-dir", type=Path, default=None,
                        help="expectation suites to use instead of quality/suites/ (to try new suites)")
    return parser


class RunFailed(Exception):
    def __init__(self, code: int, message: str, failed: list[str] | None = None):
        super().__init__(message)
        self.code = code
        self.failed = failed or []


@dataclass
class Run:
    run_id: str
    landing_dir: Path
    warehouse_dir: Path
    month: date | None
    full_refresh: bool
    started_at: str
    scorecard: str | None = None  # dbt var churn_scorecard; None = the project's default
    ended_at: str | None = None
    exit_code: int | None = None
    message: str = ""
    failed_checks: list[str] = field(default_factory=list)
    dbt_counts: dict[str, int] = field(default_factory=dict)
    row_counts: dict[str, dict] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    expectations: dict[str, int] = field(default_factory=dict)

    def record(self) -> dict:
        return {
            "run_id": self.run_id,
            "month": self.month.strftime("%Y-%m") if self.month else None,
            "started_at": self.started_at, "ended_at": self.ended_at,
            "outcome": OUTCOMES.get(self.exit_code, "error"), "exit_code": self.exit_code,
            "message": self.message, "full_refresh": self.full_refresh, "scorecard": self.scorecard,
            "landing_dir": str(self.landing_dir),
            "row_counts": self.row_counts, "dbt_counts": self.dbt_counts,
            "expectations": self.expectations, "failed_checks": self.failed_checks,
            "outputs": self.outputs,
        }


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stage(text: str) -> None:
    print(f"[subops run] {text}", flush=True)


def _error(text: str) -> None:
    print(f"subops run: error: {text}", file=sys.stderr, flush=True)


# --- lock ------------------------------------------------------------------------------

class Lock:
    """An exclusive flock on <warehouse>/run.lock; the kernel releases it if the process dies."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def acquire(self, holder: dict) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(fd)
            if err.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        os.ftruncate(fd, 0)
        os.write(fd, (json.dumps(holder) + "\n").encode())
        self.fd = fd
        return True

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return "unknown holder"
        return f"pid {info.get('pid')}, run {info.get('run_id')}, started {info.get('started_at')}"

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


# --- dbt -------------------------------------------------------------------------------

def _dbt_build(session: DbtSession, month: date | None, full_refresh: bool) -> tuple[int, str]:
    """Run `dbt build`, echoing its output as it comes; return (exit code, output)."""
    variables = {"landing_dir": str(session.landing_dir), **session.vars}
    if month:
        variables["as_of_month"] = month.isoformat()
    # every model, seed and data test; no unit tests (PRODUCTION_EXCLUDES)
    command = [str(Path(sys.executable).parent / "dbt"), "build", *PRODUCTION_EXCLUDES,
               "--target", session.target, "--vars", json.dumps(variables)]
    if full_refresh:
        command.append("--full-refresh")
    Path(session.duckdb_path).parent.mkdir(parents=True, exist_ok=True)
    _stage(f"  $ dbt {' '.join(command[1:])}")
    process = subprocess.Popen(
        command, cwd=getattr(session, "project_dir", PROJECT_DIR), env=session.env(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=1)
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            sys.stdout.write("  " + line)
        sys.stdout.flush()
        return process.wait(), "".join(lines)
    finally:  # stopped (SIGTERM, Ctrl-C): dbt must not go on writing once the lock is released
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _read_run_results(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return [
        {"unique_id": r.get("unique_id"), "status": str(r.get("status")), "message": r.get("message"),
         "failures": r.get("failures"), "execution_time": r.get("execution_time") or 0.0}
        for r in data.get("results", [])
    ]


def _dbt_counts(results: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in results:
        kind = (r["unique_id"] or "?").split(".", 1)[0]
        key = f"{kind} {r['status']}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _error_blocks(output: str) -> list[str]:
    """Error messages dbt printed that no node result carries (e.g. an on-run-start hook or
    a parsing error); dbt repeats them, so lines already quoted are not quoted again."""
    found, used = [], set()
    lines = [re.sub(r"^\d\d:\d\d:\d\d\s+", "", line.rstrip()) for line in output.splitlines()]
    for i, line in enumerate(lines):
        if i in used:
            continue
        if re.search(r"\b(Compilation|Runtime|Database|Parsing|Dependency) Error\b", line) or \
                line.startswith("Encountered an error"):
            block = [line.strip()]
            for j in range(i + 1, min(i + 6, len(lines))):
                if not lines[j].strip():
                    break
                block.append(lines[j].strip())
                used.add(j)
            found.append(" ".join(block))
    return found[:3]


def _describe_failures(results: list[dict], output: str) -> list[str]:
    failed = [r for r in results if r["status"] in _FAILED_STATUSES]
    named = [f"{r['unique_id']} ({r['status']}): {' '.join(str(r['message'] or '').split())}"
             for r in failed]
    return named or _error_blocks(output) or ["dbt exited non-zero without naming a node; see the log above"]


# --- the run ---------------------------------------------------------------------------

def _month_of_build(build_db: Path, suites, pii_key: str) -> date | None:
    """The month dbt built when --month was not given: the latest month of a month-grained
    mart, else the latest valid CRM snapshot month."""
    import duckdb

    with duckdb.connect(str(build_db), read_only=True) as con:
        present = {r[0] for r in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables").fetchall()}
        for suite in suites:
            if suite.month_column and suite.relation in present:
                value = con.execute(f"select max({suite.month_column}) from {suite.relation}").fetchone()[0]
                if value:
                    return date(value.year, value.month, 1)
        if "staging.stg_crm__subscriber_snapshots" in present:
            from subops.duckdb_pii import hmac_pads
            inner, outer = hmac_pads(pii_key)
            con.execute("set variable subops_pii_inner_pad = $1", [inner])
            con.execute("set variable subops_pii_outer_pad = $1", [outer])
            value = con.execute(
                "select max(snapshot_month) from staging.stg_crm__subscriber_snapshots").fetchone()[0]
            if value:
                return date(value.year, value.month, 1)
    return None


def _row_counts(build_db: Path, marts: list[str], suites, month: date | None) -> dict[str, dict]:
    import duckdb

    month_columns = {s.relation: s.month_column for s in suites if s.relation and s.month_column}
    counts = {}
    with duckdb.connect(str(build_db), read_only=True) as con:
        for mart in marts:
            entry = {"rows": con.execute(f"select count(*) from {mart}").fetchone()[0]}
            if mart in month_columns and month:
                entry["month_rows"] = con.execute(
                    f"select count(*) from {mart} where {month_columns[mart]} = date '{month.isoformat()}'"
                ).fetchone()[0]
            counts[mart] = entry
    return counts


def _execute(run: Run, pii_key: str, state: dict) -> None:
    from subops import publish as publisher
    from subops.quality import SUITES_DIR, load_suites, validate
    from subops.quality.suites import SuiteError

    warehouse = run.warehouse_dir
    build_db = warehouse / BUILD_FILE
    work_dir = warehouse / DBT_WORK_DIR
    run_results = work_dir / "target" / "run_results.json"
    try:  # a broken suite file stops the run before dbt starts
        suites = load_suites(state.get("suites_dir") or SUITES_DIR)
    except SuiteError as err:
        raise RunFailed(EXIT_ERROR, f"expectation suite: {err}") from err

    _stage(f"2/4 build: dbt build into {build_db}"
           + (f" (as_of_month {run.month.isoformat()})" if run.month else " (latest month in the landing data)")
           + (" --full-refresh" if run.full_refresh else ""))
    run_results.unlink(missing_ok=True)
    session = DbtSession(duckdb_path=build_db, landing_dir=run.landing_dir, work_dir=work_dir,
                         vars={"churn_scorecard": run.scorecard} if run.scorecard else {})
    code, output = _dbt_build(session, run.month, run.full_refresh)
    results = _read_run_results(run_results)
    state["dbt_results"] = results
    run.dbt_counts = _dbt_counts(results)
    if code != 0:
        failed = _describe_failures(results, output)
        raise RunFailed(EXIT_DBT_FAILED, f"dbt build failed (exit {code}): " + "; ".join(failed[:3]), failed)
    # dbt has exited, so it no longer holds the build file; make the file complete on disk.
    publisher.checkpoint(build_db)

    run.month = run.month or _month_of_build(build_db, suites, pii_key)
    if run.month is None:
        raise RunFailed(EXIT_DBT_FAILED, "the build holds no month (no valid CRM snapshot)")
    marts = publisher.public_marts_in(build_db)
    run.row_counts = _row_counts(build_db, marts, suites, run.month)

    _stage(f"3/4 validate: {len(suites)} expectation suites ({', '.join(s.name for s in suites)}) "
           f"on month {run.month:%Y-%m}")
    quality = validate(build_db, run.month, suites, served_database=warehouse / publisher.SERVED_FILE,
                       public_marts=marts, pii_key=pii_key)
    state["quality"] = quality
    run.expectations = {"passed": quality.passed, "failed": len(quality.failures),
                        "warnings": len(quality.warnings)}
    for suite in suites:  # one line per suite; the report lists every expectation
        results = [r for r in quality.results if r.suite == suite.name]
        if results:
            failed = sum(r.failed for r in results)
            warned = sum(not r.success and not r.failed for r in results)
            print(f"  {suite.name}: {len(results) - failed - warned} passed, {failed} failed, {warned} warnings")
    for r in quality.results:
        if not r.success:
            print(f"    {'FAIL' if r.failed else 'warn'} {r.label}: {r.observed}")
    for name, why in quality.skipped:
        print(f"  {name}: skipped, {why}")
    if quality.marts_without_suite:
        print(f"  public marts without a suite: {', '.join(quality.marts_without_suite)}")
    if not quality.ok:
        failed = [f"{r.label}: observed {r.observed}" for r in quality.failures]
        raise RunFailed(EXIT_EXPECTATIONS_FAILED,
                        f"{len(failed)} expectation(s) failed: " + "; ".join(failed[:3]), failed)

    _stage("4/4 publish: served database, Parquet exports, dispatch files")
    try:
        publication = publisher.publish(build_db, warehouse, run.run_id, run.month, pii_key)
    except publisher.PublishError as err:
        raise RunFailed(EXIT_PUBLISH_FAILED, str(err)) from err
    run.outputs.update({
        "served database": str(publication.served),
        "exports": f"{publication.current} -> {publication.export_dir}",
        "dispatch files": ", ".join(str(p) for p in publication.dispatch_files) or "none (no campaigns.dispatch_* relation yet)",
    })
    run.message = "published"


def _finish(run: Run, state: dict) -> None:
    """Report, run history and summary, whatever the outcome (not for a held lock)."""
    from subops.quality.report import write_report

    run.ended_at = _now()
    reports = run.warehouse_dir / REPORTS_DIR
    report_path = reports / f"{run.run_id}.html"
    run.outputs["quality report"] = f"{report_path} (also {reports / 'latest.html'})"
    run.outputs["run history"] = str(run.warehouse_dir / HISTORY_FILE)
    record = run.record()
    try:
        write_report(reports, record, state.get("quality"), state.get("dbt_results") or [])
    except Exception as err:  # the report must never change the outcome
        print(f"subops run: could not write the quality report: {err}", file=sys.stderr)
    _append_history(run.warehouse_dir, record)
    _print_summary(run)


def _append_history(warehouse: Path, record: dict) -> None:
    warehouse.mkdir(parents=True, exist_ok=True)
    with open(warehouse / HISTORY_FILE, "a", encoding="utf-8") as history:
        history.write(json.dumps(record, ensure_ascii=False) + "\n")


def _print_summary(run: Run) -> None:
    outcome = OUTCOMES.get(run.exit_code, "error")
    print(f"\n== subops run {run.run_id}: {outcome} (exit code {run.exit_code})")
    rows = [("month", run.month.strftime("%Y-%m") if run.month else "-")]
    if run.message and run.message != "published" and not run.failed_checks:
        rows.append(("message", run.message))
    if run.dbt_counts:
        passed = sum(n for k, n in run.dbt_counts.items() if k.endswith((" success", " pass")))
        tests = sum(n for k, n in run.dbt_counts.items()
                    if k.startswith(("test ", "unit_test ")) and k.endswith(" pass"))
        warned = sum(n for k, n in run.dbt_counts.items() if k.endswith(" warn"))
        failed = sum(n for k, n in run.dbt_counts.items() if k.split(" ", 1)[1] in _FAILED_STATUSES)
        rows.append(("dbt", f"{passed} nodes ok ({tests} tests passed), {warned} warnings, {failed} failed"))
    if run.expectations:
        e = run.expectations
        rows.append(("expectations", f"{e['passed']} passed, {e['failed']} failed, {e['warnings']} warnings"))
    for i, failed in enumerate(run.failed_checks[:10]):
        rows.append(("failed" if i == 0 else "", failed))
    if len(run.failed_checks) > 10:
        rows.append(("", f"... and {len(run.failed_checks) - 10} more (see the quality report)"))
    for i, (mart, c) in enumerate(sorted(run.row_counts.items())):
        month_rows = f" ({run.month:%Y-%m}: {c['month_rows']:,})" if c.get("month_rows") is not None else ""
        rows.append(("rows per mart" if i == 0 else "", f"{mart} {c['rows']:,}{month_rows}"))
    for key, value in run.outputs.items():
        rows.append((key, value))
    for key, value in rows:
        print(f"  {key:<16} {value}")
    sys.stdout.flush()


def run(args) -> int:
    started_at = _now()
    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
    landing = Path(args.landing_dir).expanduser().resolve()
    warehouse = Path(args.warehouse_dir).expanduser().resolve()
    pii_key = os.environ.get(PII_KEY_ENV, "")
    if not pii_key:
        _error(f"{PII_KEY_ENV} is not set: export {PII_KEY_ENV}=<secret> (the pseudonymisation key) "
               "before running; nothing was built")
        return EXIT_USAGE
    if args.suites_dir is not None and not Path(args.suites_dir).is_dir():
        _error(f"suites folder {args.suites_dir} does not exist")
        return EXIT_USAGE
    if not landing.is_dir():
        _error(f"landing folder {landing} does not exist (or is not a folder); "
               "pass --landing-dir with one sub-folder per landing table; nothing was built")
        return EXIT_USAGE

    run = Run(run_id=run_id, landing_dir=landing, warehouse_dir=warehouse, month=args.month,
              full_refresh=args.full_refresh, started_at=started_at, scorecard=args.scorecard)
    lock = Lock(warehouse / LOCK_FILE)
    _stage(f"1/4 lock: {lock.path}")
    if not lock.acquire({"pid": os.getpid(), "run_id": run_id, "started_at": started_at,
                         "month": args.month.isoformat() if args.month else None}):
        _error(f"another subops run holds {lock.path} ({lock.holder()}); runs never overlap, "
               f"so this one did nothing (exit {EXIT_LOCK_HELD}). Retry when it has finished.")
        run.exit_code, run.ended_at = EXIT_LOCK_HELD, _now()
        run.message = f"lock held by {lock.holder()}"
        _append_history(warehouse, {**run.record(), "row_counts": {}, "outputs": {}})
        return EXIT_LOCK_HELD
    state: dict = {"suites_dir": args.suites_dir}
    # A scheduler stops a job with SIGTERM: unwind (stop dbt, release the lock) like Ctrl-C.
    try:
        previous_handler = signal.signal(signal.SIGTERM, _raise_interrupt)
    except ValueError:  # not the main thread: leave signals alone
        previous_handler = None
    try:
        _stage(f"  run {run_id}: landing {landing}, warehouse {warehouse}")
        try:
            _execute(run, pii_key, state)
            run.exit_code = EXIT_OK
        except RunFailed as failure:
            run.exit_code, run.message, run.failed_checks = failure.code, str(failure), failure.failed
            _error(str(failure))
        except Exception as err:  # a bug: say so, keep the served data, record it
            traceback.print_exc()
            run.exit_code, run.message = EXIT_ERROR, f"unexpected error: {type(err).__name__}: {err}"
            run.failed_checks = [run.message]
        except KeyboardInterrupt:
            run.exit_code, run.message = EXIT_ERROR, "interrupted (SIGTERM or Ctrl-C)"
            run.failed_checks = [run.message]
            _error(run.message)
        _finish(run, state)
        return run.exit_code
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGTERM, previous_handler)
        lock.release()


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")
