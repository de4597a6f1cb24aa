"""Apache Spark as the scale-out target: `dbt build --target spark` on a local pyspark
session builds every model of the project from the landing files (external Parquet
tables), and every public mart, staging and audit model and reference seed equals the
DuckDB build of the same landing data: same relations, columns, row counts and
checksums (subops.parity); every data and unit test ends the same way on both.
Incremental models re-run on Spark (insert_overwrite of their month partitions) still
equal DuckDB's; a landing table delivered as CSV builds the same staging. The key never reaches compiled SQL, logs or the metastore; a missing key
or landing column stops the build with the DuckDB messages.

Needs Java 17 or 21 (subops.spark.java_home finds Debian's openjdk-17 under /usr/lib/jvm):
without it these tests fail, they do not skip. Small on purpose (a local Spark session
pays a second or so per statement): 400 subscribers x 3 months.
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from conftest import TEST_PII_KEY, dbt_session, generate, parquet_to_csv, rewrite_parquet
from subops.duckdb_pii import hmac_pads
from subops.parity import duckdb_digest
from subops.spark import JavaNotFound, dbt_env, java_home
from subops.spark.environment import java_version
from subops.spark.session import profile_settings, relation_digests

SPARK_DATA = dict(subscribers=400, months=3, start_month="2025-01", seed=31)
# A few hundred subscribers make a few dozen complaints, each defect kind at least once:
# their reject share runs far above the production threshold.
SPARK_VARS = {"reject_error_share": 0.5}
PUBLIC_MART_SCHEMAS = ("core", "tags", "segments", "campaigns", "kpi", "churn")
INTERNAL_SCHEMAS = ("staging", "audit", "reference")
# Re-run as a monthly build would (insert_overwrite of as_of_month and the month before):
# the pseudonymising CRM base and the lifecycle view.
INCREMENTAL = ("base_crm__subscriber_snapshots", "fct_subscriber_months")


def spark_session(work: Path, landing: Path, **extra_env):
    session = dbt_session(work, landing, vars=SPARK_VARS, **extra_env)
    session.target = "spark"
    return session


def timed_build(session) -> float:
    started = time.monotonic()
    built = session.run("build", check=False, capture=True)
    assert built.returncode == 0, built.stdout[-8000:]
    return time.monotonic() - started


def node_results(session) -> dict[str, tuple[str, int | None]]:
    """Status and failure count of every test and unit test of the session's last build."""
    results = json.loads((session.work_dir / "target" / "run_results.json").read_text())["results"]
    return {r["unique_id"]: (r["status"], r["failures"]) for r in results
            if r["unique_id"].split(".")[0] in ("test", "unit_test")}


@pytest.fixture(scope="module")
def java():
    try:
        return java_home()
    except JavaNotFound as err:
        pytest.fail(str(err), pytrace=False)  # no Java fails the tests, it never skips them


@pytest.fixture(scope="module")
def spark_landing(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("spark_landing") / "landing", defect_rate=0.01, **SPARK_DATA)


@pytest.fixture(scope="module")
def duckdb_reference(spark_landing, tmp_path_factory):
    session = dbt_session(tmp_path_factory.mktemp("spark_duckdb"), spark_landing, vars=SPARK_VARS)
    seconds = timed_build(session)
    print(f"\nDuckDB: dbt build {seconds:.1f}s")
    return session


@pytest.fixture(scope="module")
def spark_build(java, spark_landing, duckdb_reference, tmp_path_factory):
    """`dbt build --target spark` (seeds, models, data and unit tests), then two of the
    incremental models again, as a monthly run would (they rewrite as_of_month and the
    month before; the other incremental models use the same two macros)."""
    session = spark_session(tmp_path_factory.mktemp("spark_build"), spark_landing)
    seconds = timed_build(session)
    session.results = node_results(session)
    started = time.monotonic()
    rerun = session.run("run", "--select", *INCREMENTAL, check=False, capture=True)
    assert rerun.returncode == 0, rerun.stdout[-8000:]
    print(f"\nSpark: dbt build {seconds:.1f}s, incremental re-run {time.monotonic() - started:.1f}s")
    return session


@pytest.fixture(scope="module")
def spark_digests(spark_build):
    """Digests of every compared relation on Spark, read once the builds are done."""
    return relation_digests(PUBLIC_MART_SCHEMAS + INTERNAL_SCHEMAS, spark_build.env())


def test_java_and_the_session_environment_come_from_the_machine_and_the_profile(java, tmp_path):
    assert java_version(java) in (17, 21)
    env = dbt_env({"SUBOPS_PII_KEY": TEST_PII_KEY, "SUBOPS_SPARK_DIR": str(tmp_path)})
    assert env["JAVA_HOME"] == str(java)
    assert (env["SUBOPS_PII_INNER_PAD"], env["SUBOPS_PII_OUTER_PAD"]) == hmac_pads(TEST_PII_KEY)
    without_key = dbt_env({"SUBOPS_PII_INNER_PAD": "stale", "SUBOPS_SPARK_DIR": str(tmp_path)})
    assert (without_key["SUBOPS_PII_INNER_PAD"], without_key["SUBOPS_PII_OUTER_PAD"]) == ("", "")
    settings = profile_settings({"SUBOPS_SPARK_DIR": str(tmp_path)})
    assert settings["spark.sql.warehouse.dir"] == f"{tmp_path}/warehouse"
    assert f"databaseName={tmp_path}/metastore_db" in settings["spark.hadoop.javax.jdo.option.ConnectionURL"]
    assert not any("pii" in key for key in settings)  # never on the JVM's command line


def test_every_mart_staging_and_audit_relation_equals_the_duckdb_build(duckdb_reference, spark_digests):
    schemas = PUBLIC_MART_SCHEMAS + INTERNAL_SCHEMAS
    with duckdb.connect(str(duckdb_reference.duckdb_path), read_only=True) as duck:
        on_duckdb = {(s, n) for s, n in duck.execute(
            "select table_schema, table_name from information_schema.tables").fetchall() if s in schemas}
        assert set(spark_digests) == on_duckdb
        assert {s for s, _ in on_duckdb} >= {"core", "tags", "segments", "staging", "audit", "reference"}
        differences = []
        for schema, name in sorted(on_duckdb):
            expected, actual = duckdb_digest(duck, schema, name), spark_digests[(schema, name)]
            # Spark stores a table's partition column last: compare columns as a set
            if (sorted(actual.columns), actual.rows, actual.checksum) != \
                    (sorted(expected.columns), expected.rows, expected.checksum):
                differences.append(
                    f"{schema}.{name}: duckdb {expected.rows} rows {expected.checksum[:12]} {expected.columns}, "
                    f"spark {actual.rows} rows {actual.checksum[:12]} {actual.columns}")
    assert differences == []
    assert spark_digests[("core", "fct_subscriber_months")].rows > 1000


def test_every_data_and_unit_test_ends_the_same_on_spark(duckdb_reference, spark_build):
    expected = node_results(duckdb_reference)
    assert len(expected) > 150
    assert spark_build.results == expected


def test_incremental_models_are_month_partitioned_on_spark(spark_build):
    warehouse = Path(spark_build.env()["SUBOPS_SPARK_DIR"]) / "warehouse"
    for schema, model, column in [("core", "fct_subscriber_months", "report_month"),
                                  ("tags", "subscriber_tags", "tag_month"),
                                  ("segments", "segment_strategy", "segment_month")]:
        partitions = sorted(p.name for p in (warehouse / f"{schema}.db" / model).glob(f"{column}=*"))
        assert partitions == [f"{column}=2025-0{m}-01" for m in (1, 2, 3)], (model, partitions)


def test_the_key_is_not_in_compiled_sql_logs_or_the_spark_warehouse(spark_build, spark_digests):
    secrets = [TEST_PII_KEY, *hmac_pads(TEST_PII_KEY)]
    files = [path for path in spark_build.work_dir.rglob("*") if path.is_file()]
    assert any(path.suffix == ".sql" for path in files) and any("metastore_db" in path.parts for path in files)
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, path


def test_csv_landing_files_build_the_same_staging_on_spark(spark_build, spark_digests, spark_landing, tmp_path):
    """A landing table delivered as CSV becomes an external CSV table (every column a
    string); staging types it with the same results as from Parquet."""
    landing = tmp_path / "landing"
    shutil.copytree(spark_landing, landing)
    parquet_to_csv(landing / "complaints")
    session = spark_session(spark_build.work_dir, landing)
    built = session.run("run", "--select", "base_service__complaints", "stg_service__complaints",
                        check=False, capture=True)
    assert built.returncode == 0, built.stdout[-8000:]
    relation = ("staging", "stg_service__complaints")
    assert relation_digests([".".join(relation)], session.env()) == {relation: spark_digests[relation]}
    assert spark_digests[relation].rows > 0


def test_building_on_spark_without_the_key_fails_naming_the_variable(spark_build, spark_digests):
    """Runs on the built warehouse once its digests are read (a failed model may be lost)."""
    session = spark_session(spark_build.work_dir, spark_build.landing_dir, SUBOPS_PII_KEY="")
    result = session.run("run", "--select", "base_crm__subscriber_snapshots", check=False, capture=True)
    assert result.returncode != 0
    assert "SUBOPS_PII_KEY is not set" in result.stdout


def test_a_missing_landing_column_stops_the_spark_build_naming_table_and_column(
        spark_build, spark_digests, spark_landing, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(spark_landing, landing)
    rewrite_parquet(landing / "bills", "select * exclude (paid_fee) from {part}")
    session = spark_session(spark_build.work_dir, landing)
    result = session.run("run", "--select", "stg_billing__bills", check=False, capture=True)
    assert result.returncode != 0
    assert "Landing table 'bills' is missing required column 'paid_fee' (landing contract v1)" in result.stdout
