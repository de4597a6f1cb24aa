"""PostgreSQL as a second target: a throwaway PostgreSQL 15 gets the demo landing data with
`subops load --target postgres`, `dbt build --target postgres` builds every model on it,
and every public mart (plus, until the marts land, every staging and audit model and the
reference seeds) must equal the DuckDB build of the same landing data: same relations,
columns, row counts and checksums. BI and planner roles read what they are granted and
nothing else; the loader and the build fail clearly and leave the raw tables intact.

Needs the PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin, or SUBOPS_PG_BIN_DIR):
without them these tests fail, they do not skip.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from psycopg2 import errors

from conftest import TEST_PII_KEY, dbt_session, parquet_to_csv, rewrite_parquet
from subops.load import landing_contract
from subops.parity import duckdb_digest, postgres_digest
from subops.postgres import dbt_env, pgoptions_with_key
from subops.postgres.server import PostgresServer, ServerUnavailable

PUBLIC_MART_SCHEMAS = ("core", "tags", "segments", "campaigns", "kpi", "churn")
# Compared between the targets besides the marts (staging and audit stand in until marts land).
INTERNAL_SCHEMAS = ("staging", "audit", "reference")
CLOSED_SCHEMAS = ("landing", "staging", "intermediate", "audit", "reference")
BI_ROLE, PLANNER_ROLE = "bi_reader", "campaign_planner"  # the defaults of the grants config
MARKER_VIEW = "postgres_grants_marker"


def subops_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the `subops` console script (as the scheduler would)."""
    return subprocess.run([str(Path(sys.executable).parent / "subops"), *args], env={**os.environ, **env},
                          text=True, capture_output=True)


def postgres_session(work, landing, server: PostgresServer, **extra_env):
    """A DbtSession on the server's database (dbt --target postgres), with the test key."""
    env = {**server.env(), "SUBOPS_PII_KEY": TEST_PII_KEY, **extra_env}
    env.setdefault("PGOPTIONS", dbt_env(env).get("PGOPTIONS", ""))
    session = dbt_session(work, landing, **env)
    session.target = "postgres"
    return session


def create_database(server: PostgresServer, name: str) -> None:
    con = server.connect(dbname="postgres")
    try:
        con.autocommit = True
        con.cursor().execute(f"create database {name}")
    finally:
        con.close()


def digest_on(server: PostgresServer, dbname: str, schema: str, name: str):
    con = server.connect(dbname=dbname)
    try:
        return postgres_digest(con, schema, name)
    finally:
        con.close()


@pytest.fixture(scope="module")
def postgres(request) -> PostgresServer:
    server = PostgresServer()
    request.addfinalizer(server.stop)  # before start(): torn down whatever happens next
    try:
        server.start()
    except ServerUnavailable as err:
        message = str(err)
    else:
        return server
    pytest.fail(message, pytrace=False)  # missing binaries fail the tests, they never skip them


@pytest.fixture(scope="module")
def postgres_build(postgres, defect_landing, tmp_path_factory):
    """`subops load --target postgres` then `dbt build --target postgres`, timed."""
    started = time.monotonic()
    loaded = subops_cli("load", "--target", "postgres", "--landing-dir", str(defect_landing),
                        env=postgres.env())
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    load_seconds = time.monotonic() - started
    session = postgres_session(tmp_path_factory.mktemp("postgres_build"), defect_landing, postgres)
    started = time.monotonic()
    built = session.run("build", check=False, capture=True)
    assert built.returncode == 0, built.stdout
    print(f"\nPostgreSQL: load {load_seconds:.1f}s, dbt build {time.monotonic() - started:.1f}s")
    return session


@pytest.fixture(scope="module")
def pg(postgres, postgres_build):
    con = postgres.connect()
    con.autocommit = True
    yield con
    con.close()


def relations(schemas, rows) -> set[tuple[str, str]]:
    return {(schema, name) for schema, name in rows if schema in schemas and name != MARKER_VIEW}


def test_load_makes_one_raw_table_per_landing_table_with_the_contract_columns(pg, defect_build):
    contract = landing_contract()
    assert len(contract) == 7
    with pg.cursor() as cur, duckdb.connect(str(defect_build.duckdb_path), read_only=True) as duck:
        for table in contract:
            cur.execute("select column_name from information_schema.columns "
                        "where table_schema = 'landing' and table_name = %s order by ordinal_position",
                        [table.identifier])
            assert [c for (c,) in cur.fetchall()] == [*table.columns, "_landing_file"]
            cur.execute(f"select count(*), count(distinct _landing_file) from landing.{table.identifier}")
            pg_rows, pg_files = cur.fetchone()
            duck_rows, duck_files = duck.execute(
                f"select count(*), count(distinct _landing_file) from landing.{table.identifier}").fetchone()
            assert (pg_rows, pg_files) == (duck_rows, duck_files), table.identifier
        cur.execute("select count(*) from pg_namespace where nspname = 'landing__load'")
        assert cur.fetchone() == (0,)
        cur.execute("select extname from pg_extension where extname = 'pgcrypto'")
        assert cur.fetchone() == ("pgcrypto",)


def test_every_mart_staging_and_audit_relation_equals_the_duckdb_build(pg, defect_build):
    schemas = PUBLIC_MART_SCHEMAS + INTERNAL_SCHEMAS
    listing = "select table_schema, table_name from information_schema.tables"
    with duckdb.connect(str(defect_build.duckdb_path), read_only=True) as duck:
        on_duckdb = relations(schemas, duck.execute(listing).fetchall())
        with pg.cursor() as cur:
            cur.execute(listing)
            on_postgres = relations(schemas, cur.fetchall())
        assert on_postgres == on_duckdb
        assert len(on_duckdb) >= 25
        differences = []
        for schema, name in sorted(on_duckdb):
            expected = duckdb_digest(duck, schema, name)
            actual = postgres_digest(pg, schema, name)
            if actual != expected:
                differences.append(
                    f"{schema}.{name}: duckdb {expected.rows} rows {expected.checksum[:12]} {expected.columns}, "
                    f"postgres {actual.rows} rows {actual.checksum[:12]} {actual.columns}")
    assert differences == []


def test_pseudonyms_are_hmac_sha256_under_the_key_on_postgres(pg):
    with pg.cursor() as cur:
        cur.execute("select subscriber_id, subscriber_key from staging.stg_crm__subscriber_snapshots limit 20")
        rows = cur.fetchall()
    assert len(rows) == 20
    for subscriber_id, key in rows:
        assert key == hmac.new(TEST_PII_KEY.encode(), subscriber_id.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("key", ["k", "a key with spaces\\and a backslash", "密钥-" + "x" * 80])
def test_pseudonymise_on_postgres_is_python_hmac_for_any_key_and_text(postgres, postgres_build, key):
    """The key travels as a libpq option (PGOPTIONS); values are hashed as UTF-8 text."""
    values = ["S0000001", "13812345678", "张三", "", "x" * 200]
    con = postgres.connect(options=pgoptions_with_key(key))
    try:
        with con.cursor() as cur:
            cur.execute("select v, encode(main.subops_hmac_sha256(convert_to(v, 'UTF8'), "
                        "(select main.subops_pii_key())), 'hex') from unnest(%s::text[]) as v", [values])
            got = dict(cur.fetchall())
    finally:
        con.close()
    assert got == {v: hmac.new(key.encode(), v.encode(), hashlib.sha256).hexdigest() for v in values}


def test_the_key_is_not_in_compiled_sql_or_logs(postgres_build):
    work = postgres_build.work_dir
    for path in list((work / "target").rglob("*.sql")) + list((work / "target").glob("*.json")) \
            + list((work / "logs").rglob("*")):
        if path.is_file():
            assert TEST_PII_KEY not in path.read_text(errors="replace"), path


def test_building_on_postgres_without_the_key_fails_naming_the_variable(postgres, postgres_build, tmp_path):
    session = postgres_session(tmp_path, postgres_build.landing_dir, postgres, SUBOPS_PII_KEY="", PGOPTIONS="")
    result = session.run("build", "--select", "base_crm__subscriber_snapshots",
                         "--exclude-resource-type", "unit_test", check=False, capture=True)
    assert result.returncode != 0
    assert "SUBOPS_PII_KEY is not set" in result.stdout


def ensure_core_relation(pg) -> str:
    """A relation in schema core to read as the BI role: a dbt mart when one exists, else a
    marker view created here with the grants dbt would give a mart (until core marts land)."""
    with pg.cursor() as cur:
        cur.execute("select table_name from information_schema.tables where table_schema = 'core' "
                    "and table_name <> %s order by 1 limit 1", [MARKER_VIEW])
        found = cur.fetchone()
        if found:
            return found[0]
        cur.execute("create schema if not exists core")
        cur.execute(f"create or replace view core.{MARKER_VIEW} as select 1 as marker")
        cur.execute(f"grant usage on schema core to {BI_ROLE}")
        cur.execute(f"grant select on core.{MARKER_VIEW} to {BI_ROLE}")
        return MARKER_VIEW


def login_member(pg, postgres, role: str):
    """Connect as a login user that is a member of `role` (how people use the group roles)."""
    user = f"{role}_member"
    with pg.cursor() as cur:
        cur.execute("select 1 from pg_roles where rolname = %s", [user])
        if not cur.fetchone():
            cur.execute(f"create role {user} login password %s in role {role}", [postgres.password])
    con = postgres.connect(user=user)
    con.autocommit = True
    return con


def can_read(con, relation: str) -> bool:
    try:
        with con.cursor() as cur:
            cur.execute(f"select * from {relation} limit 1")
            cur.fetchall()
        return True
    except errors.InsufficientPrivilege:
        return False


def test_the_bi_role_reads_core_and_nothing_internal(postgres, pg):
    core_relation = ensure_core_relation(pg)
    bi = login_member(pg, postgres, BI_ROLE)
    try:
        assert can_read(bi, f"core.{core_relation}")
        for relation in ("staging.stg_crm__subscriber_snapshots", "staging.base_crm__subscriber_snapshots",
                         "landing.subscribers", "audit.audit_crm__subscriber_snapshot_rejects",
                         "reference.products"):
            assert not can_read(bi, relation), relation
        with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
            bi.cursor().execute("select count(*) from staging.stg_billing__bills")
        with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
            bi.cursor().execute("select count(*) from landing.bills")
    finally:
        bi.close()


@pytest.mark.parametrize("role, readable_schemas", [
    (BI_ROLE, PUBLIC_MART_SCHEMAS),
    (PLANNER_ROLE, ("campaigns",)),
])
def test_roles_have_privileges_only_on_their_schemas(pg, role, readable_schemas):
    ensure_core_relation(pg)
    with pg.cursor() as cur:
        cur.execute("""
            select n.nspname, c.relname, has_table_privilege(%(role)s, c.oid, 'select'),
                   has_table_privilege(%(role)s, c.oid, 'insert, update, delete, truncate')
            from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
            where c.relkind in ('r', 'v', 'm', 'p')
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%%'
        """, {"role": role})
        privileges = cur.fetchall()
        cur.execute("select nspname from pg_namespace where has_schema_privilege(%s, oid, 'usage') "
                    "and nspname = any(%s)", [role, list(CLOSED_SCHEMAS)])
        open_closed_schemas = [name for (name,) in cur.fetchall()]
    assert len(privileges) > 25
    assert [f"{s}.{r}" for s, r, select, _ in privileges if select and s not in readable_schemas] == []
    assert [f"{s}.{r}" for s, r, _, write in privileges if write] == []
    assert open_closed_schemas == []


def test_a_missing_landing_table_stops_the_postgres_build_naming_it(postgres, postgres_build, tmp_path):
    create_database(postgres, "unloaded")
    session = postgres_session(tmp_path, postgres_build.landing_dir, postgres, SUBOPS_PG_DATABASE="unloaded")
    result = session.run("build", "--select", "stg_billing__bills", check=False, capture=True)
    assert result.returncode != 0
    assert "Landing table 'bills' is not loaded" in result.stdout


def table_state(pg) -> dict[str, tuple[int, int]]:
    with pg.cursor() as cur:
        state = {}
        for table in landing_contract():
            cur.execute(f"select count(*), count(distinct _landing_file) from landing.{table.identifier}")
            state[table.identifier] = cur.fetchone()
        return state


def test_a_missing_column_fails_the_load_naming_table_and_column(postgres, pg, defect_landing, tmp_path):
    before = table_state(pg)
    landing = tmp_path / "landing"
    shutil.copytree(defect_landing, landing)
    rewrite_parquet(landing / "bills", "select * exclude (paid_fee) from {part}")
    result = subops_cli("load", "--target", "postgres", "--landing-dir", str(landing), env=postgres.env())
    assert result.returncode == 2
    assert "Landing table 'bills' is missing required column 'paid_fee' (landing contract v1)" in result.stderr
    assert table_state(pg) == before


def test_a_load_that_fails_midway_leaves_the_previous_raw_tables_intact(postgres, pg, defect_landing, tmp_path):
    """bills (loaded early) shrinks, usage_daily (loaded last) holds a value PostgreSQL
    rejects: the load fails on usage_daily and nothing, bills included, is replaced."""
    before = table_state(pg)
    landing = tmp_path / "landing"
    shutil.copytree(defect_landing, landing)
    rewrite_parquet(landing / "bills", "select * from {part} limit 10")
    rewrite_parquet(landing / "usage_daily",
                    "select * replace (case when usage_date = (select min(usage_date) from {part}) "
                    "then subscriber_id || chr(0) else subscriber_id end as subscriber_id) from {part}")
    result = subops_cli("load", "--target", "postgres", "--landing-dir", str(landing), env=postgres.env())
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Landing table 'usage_daily' could not be loaded" in result.stderr
    assert table_state(pg) == before
    with pg.cursor() as cur:
        cur.execute("select count(*) from pg_namespace where nspname = 'landing__load'")
        assert cur.fetchone() == (0,)


def test_csv_landing_files_load_as_text_and_build_the_same(postgres, postgres_build, defect_landing, tmp_path):
    """A landing table delivered as CSV loads as text columns; staging types it with the
    same results (subops_try_cast's text path) as from Parquet."""
    landing = tmp_path / "landing"
    shutil.copytree(defect_landing, landing)
    parquet_to_csv(landing / "complaints")
    expected = digest_on(postgres, postgres.database, "staging", "stg_service__complaints")
    create_database(postgres, "from_csv")
    env = {**postgres.env(), "SUBOPS_PG_DATABASE": "from_csv"}
    loaded = subops_cli("load", "--target", "postgres", "--landing-dir", str(landing), env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "landing.complaints: " in loaded.stdout and "from csv" in loaded.stdout
    con = postgres.connect(dbname="from_csv")
    try:
        cur = con.cursor()
        cur.execute("select distinct data_type from information_schema.columns "
                    "where table_schema = 'landing' and table_name = 'complaints'")
        assert cur.fetchall() == [("text",)]
    finally:
        con.close()
    session = postgres_session(tmp_path / "work", landing, postgres, SUBOPS_PG_DATABASE="from_csv")
    built = session.run("build", "--select", "+stg_service__complaints",
                        "--exclude-resource-type", "test", "unit_test", check=False, capture=True)
    assert built.returncode == 0, built.stdout
    actual = digest_on(postgres, "from_csv", "staging", "stg_service__complaints")
    assert actual.rows > 0
    assert actual == expected
