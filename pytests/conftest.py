"""Shared fixtures: generated landing data and warehouses built from it, once per session."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from subops.cli import main as subops_main
from subops.dbt import DbtSession

TEST_PII_KEY = "pytest-key-not-a-secret"

# Small but complete: every table, every defect kind, a few months of history.
SMALL_DATA = dict(subscribers=2000, months=4, start_month="2025-01", seed=11)


# Started first under `make test` (two workers): the longest files, each on its own worker.
LONGEST_FILES_FIRST = ("test_spark.py", "test_postgres.py")


def pytest_collection_modifyitems(items) -> None:
    """Put the longest files first, the rest in their usual order (a stable sort)."""
    def rank(item) -> int:
        name = item.path.name
        return LONGEST_FILES_FIRST.index(name) if name in LONGEST_FILES_FIRST else len(LONGEST_FILES_FIRST)
    items.sort(key=rank)


def generate(out: Path, *, defect_rate: float, **overrides) -> Path:
    """Run `subops generate` into `out` and return it."""
    params = {**SMALL_DATA, **overrides}
    code = subops_main([
        "generate",
        "--subscribers", str(params["subscribers"]),
        "--months", str(params["months"]),
        "--start-month", params["start_month"],
        "--seed", str(params["seed"]),
        "--defect-rate", str(defect_rate),
        "--out", str(out),
    ])
    assert code == 0, f"subops generate exited {code}"
    return out


def manifest(landing: Path) -> dict:
    return json.loads((landing / "manifest.json").read_text())


# Small tables (a few dozen complaints) carry a minimum of each injected defect kind,
# so their reject share runs above the production default of 5%.
SMALL_DATA_VARS = {"reject_error_share": 0.10}


def dbt_session(work: Path, landing: Path, vars: dict | None = None, **extra_env) -> DbtSession:
    """A DbtSession writing only below `work` (database, dbt target and logs)."""
    work.mkdir(parents=True, exist_ok=True)
    return DbtSession(
        duckdb_path=work / "warehouse.duckdb",
        landing_dir=landing,
        work_dir=work,
        extra_env={"SUBOPS_PII_KEY": TEST_PII_KEY, **extra_env},
        vars={**SMALL_DATA_VARS, **(vars or {})},
    )


def rewrite_parquet(folder: Path, sql: str) -> None:
    """Rewrite every Parquet file under `folder` as `sql` over `part` (the file's rows)."""
    for part in folder.rglob("*.parquet"):
        with duckdb.connect() as con:
            con.execute(f"copy ({sql.format(part=f'read_parquet({chr(39)}{part}{chr(39)})')}) "
                        f"to '{part}.tmp' (format parquet)")
        part.with_name(part.name + ".tmp").replace(part)


def parquet_to_csv(folder: Path) -> None:
    """Replace every Parquet file under `folder` by a CSV file with a header (same rows)."""
    for part in folder.rglob("*.parquet"):
        with duckdb.connect() as con:
            con.execute(f"copy (select * from read_parquet('{part}')) to '{part.with_suffix('.csv')}' (header)")
        part.unlink()


def query(database: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def defect_landing(tmp_path_factory) -> Path:
    """Landing data with 1% injected defects of every kind."""
    return generate(tmp_path_factory.mktemp("defect") / "landing", defect_rate=0.01)


@pytest.fixture(scope="session")
def clean_landing(tmp_path_factory) -> Path:
    """Landing data without defects."""
    return generate(tmp_path_factory.mktemp("clean") / "landing", defect_rate=0.0)


@pytest.fixture(scope="session")
def defect_build(defect_landing, tmp_path_factory) -> DbtSession:
    """`dbt build` (seeds, models, unit and data tests) over the defective landing data."""
    session = dbt_session(tmp_path_factory.mktemp("defect_build"), defect_landing)
    session.run("build")
    return session


@pytest.fixture(scope="session")
def clean_build(clean_landing, tmp_path_factory) -> DbtSession:
    session = dbt_session(tmp_path_factory.mktemp("clean_build"), clean_landing)
    session.run("build")
    return session


# --- `subops run`: the monthly job end to end (test_run, test_bad_input, test_concurrency) ---

import hashlib  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

# Small and fast: 1500 subscribers x 3 months, clean, so every reject is one a test made.
RUN_DATA = dict(subscribers=1500, months=3, start_month="2025-01", seed=23)


def subops_run(landing: Path | None, warehouse: Path, *args: str, env: dict | None = None,
               timeout: float = 900) -> subprocess.CompletedProcess:
    """`subops run` in its own process (as the scheduler calls it); output in .stdout."""
    command = [sys.executable, "-m", "subops.cli", "run", "--warehouse-dir", str(warehouse), *args]
    if landing is not None:
        command += ["--landing-dir", str(landing)]
    full_env = {**os.environ, "SUBOPS_PII_KEY": TEST_PII_KEY, **(env or {})}
    return subprocess.run(command, env=full_env, text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)


def served_state(warehouse: Path) -> dict[str, str]:
    """sha256 of everything readers see: served.duckdb, every file under exports/
    (symlinks by their target), the pointer file."""
    state = {}
    served = warehouse / "served.duckdb"
    if served.exists():
        state["served.duckdb"] = hashlib.sha256(served.read_bytes()).hexdigest()
    exports = warehouse / "exports"
    if exports.exists():
        for path in sorted(exports.rglob("*")):
            key = str(path.relative_to(warehouse))
            if path.is_symlink():
                state[key] = "-> " + os.readlink(path)
            elif path.is_file():
                state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def copy_warehouse(source: Path, target: Path) -> Path:
    """A private copy of a warehouse folder (symlinks kept as symlinks)."""
    shutil.copytree(source, target, symlinks=True)
    return target


def copy_landing(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


@pytest.fixture(scope="session")
def run_landing(tmp_path_factory) -> Path:
    """Clean landing data for `subops run` (1500 subscribers x 3 months)."""
    return generate(tmp_path_factory.mktemp("run_landing") / "landing", defect_rate=0.0, **RUN_DATA)


@pytest.fixture(scope="session")
def published_warehouse(run_landing, tmp_path_factory) -> Path:
    """A warehouse folder after one successful `subops run` over `run_landing`. Tests copy
    it (copy_warehouse) before running again, so the original stays as it is."""
    warehouse = tmp_path_factory.mktemp("published") / "warehouse"
    result = subops_run(run_landing, warehouse)
    (warehouse.parent / "run.log").write_text(result.stdout)  # its output, for test_run
    assert result.returncode == 0, result.stdout[-5000:]
    return warehouse
