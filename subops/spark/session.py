"""A pyspark session with the settings of the `spark` output in profiles.yml, to read what
a local build left; and digests of its relations (subops.parity) for parity checks.

relation_digests() reads in a child process (`python -m subops.spark.session`), so the
caller never holds a JVM nor the embedded metastore's lock (Derby admits one process):
a dbt build on the same SUBOPS_SPARK_DIR can run as soon as it returns.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Mapping

import jinja2
import yaml

from subops.parity import Digest, spark_digest
from subops.paths import PROJECT_DIR
from subops.spark.environment import dbt_env

PROFILE, OUTPUT = "subscriber_ops", "spark"


def profile_settings(environ: Mapping[str, str] | None = None, project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """server_side_parameters of the `spark` output in profiles.yml, rendered with `environ`."""
    environ = os.environ if environ is None else environ
    profile = yaml.safe_load((project_dir / "profiles.yml").read_text())
    parameters = profile[PROFILE]["outputs"][OUTPUT]["server_side_parameters"]

    def env_var(name: str, default: str | None = None) -> str:
        if name in environ:
            return environ[name]
        if default is None:
            raise KeyError(f"profiles.yml needs the environment variable {name}")
        return default

    jinja = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return {key: jinja.from_string(str(value)).render(env_var=env_var) for key, value in parameters.items()}


def local_session(environ: Mapping[str, str] | None = None):
    """The local SparkSession a dbt build on the `spark` target used (same metastore and
    warehouse). Needs JAVA_HOME in os.environ (see environment.java_home)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in profile_settings(environ).items():
        builder = builder.config(key, value)
    return builder.config("spark.sql.ansi.enabled", "false").getOrCreate()  # as dbt-spark sets it


def relation_digests(schemas: Iterable[str], environ: Mapping[str, str] | None = None,
                     timeout: float = 900) -> dict[tuple[str, str], Digest]:
    """Digest of every table and view in `schemas` (a name, or `schema.relation` for one
    relation) of the local Spark warehouse that SUBOPS_SPARK_DIR in `environ` names, read
    in a child process."""
    environ = dict(os.environ if environ is None else environ)
    env = {**environ, **dbt_env(environ), "TZ": "UTC"}  # timestamps come back as naive local times
    result = subprocess.run([sys.executable, "-m", "subops.spark.session", *schemas], env=env,
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"reading the Spark warehouse failed:\n{result.stderr[-5000:]}")
    digests = json.loads(result.stdout.strip().splitlines()[-1])
    return {(schema, name): Digest(tuple(d["columns"]), d["rows"], d["checksum"])
            for schema, name, d in digests}


def main(schemas: list[str]) -> None:
    spark = local_session()
    digests = []
    for schema_or_relation in schemas:
        schema, _, only = schema_or_relation.partition(".")
        if not spark.catalog.databaseExists(schema):
            continue
        for table in spark.catalog.listTables(schema):
            if table.isTemporary or only and table.name != only:
                continue
            found = spark_digest(spark, schema, table.name)
            digests.append([schema, table.name,
                            {"columns": found.columns, "rows": found.rows, "checksum": found.checksum}])
    spark.stop()
    print(json.dumps(digests))


if __name__ == "__main__":
    main(sys.argv[1:])
