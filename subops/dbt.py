"""Run dbt as a subprocess against this project, with the settings every caller needs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from subops.paths import PROJECT_DIR

# What a production build leaves out: unit tests check model logic, not data, so CI runs
# them (make test) and the monthly job, like dbt's advice for production, does not.
PRODUCTION_EXCLUDES = ("--exclude-resource-type", "unit_test")


@dataclass
class DbtSession:
    """Where one build reads and writes: the DuckDB file, the landing folder, dbt's own files."""

    duckdb_path: Path
    landing_dir: Path
    target: str = "dev"
    work_dir: Path | None = None  # dbt's target/ and logs/ (default: the project's)
    project_dir: Path = PROJECT_DIR
    extra_env: dict[str, str] = field(default_factory=dict)
    vars: dict = field(default_factory=dict)  # dbt vars for every command of the session

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            SUBOPS_DUCKDB_PATH=str(self.duckdb_path),
            DBT_PROFILES_DIR=str(self.project_dir),
            DBT_PROJECT_DIR=str(self.project_dir),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        )
        if self.work_dir is not None:
            env["DBT_TARGET_PATH"] = str(self.work_dir / "target")
            env["DBT_LOG_PATH"] = str(self.work_dir / "logs")
        # a local Spark session keeps its metastore and warehouse beside the build's files
        env["SUBOPS_SPARK_DIR"] = str((self.work_dir or Path(self.duckdb_path).parent) / "spark")
        env.update(self.extra_env)
        if self.target == "postgres":
            from subops.postgres import dbt_env  # the key travels in PGOPTIONS there
            env.update(dbt_env(env))
        elif self.target == "spark":
            from subops.spark import dbt_env  # Java, and the key's pads for the session conf
            env.update(dbt_env(env))
        return env

    def command(self, *args: str, vars: dict | None = None) -> list[str]:
        """The argv of `dbt <args>` for this session (landing_dir and `vars` as --vars)."""
        all_vars = {"landing_dir": str(self.landing_dir), **self.vars, **(vars or {})}
        command = [str(Path(sys.executable).parent / "dbt"), *args, "--target", self.target]
        if args and args[0] not in ("deps", "clean", "debug", "parse"):
            command += ["--vars", json.dumps(all_vars)]
        Path(self.duckdb_path).parent.mkdir(parents=True, exist_ok=True)
        return command

    def run(self, *args: str, vars: dict | None = None, check: bool = True,
            capture: bool = False) -> subprocess.CompletedProcess:
        """Run `dbt <args>`; landing_dir and `vars` are passed as --vars."""
        result = subprocess.run(
            self.command(*args, vars=vars), cwd=self.project_dir, env=self.env(), text=True,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.STDOUT if capture else None,
        )
        if check and result.returncode != 0:
            output = f"\n{result.stdout}" if capture else ""
            raise DbtFailed(f"dbt {' '.join(args)} failed with exit code {result.returncode}{output}")
        return result


class DbtFailed(RuntimeError):
    """A dbt command exited non-zero."""
