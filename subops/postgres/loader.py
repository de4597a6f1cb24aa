"""Load the landing files into schema `landing` on PostgreSQL (`subops load --target postgres`).

1. Every landing table of the contract (sources YAML) is found and checked before the
   server is touched: a missing folder or required column stops the load, naming table
   and column, and nothing changes.
2. The server is prepared: the pgcrypto extension (keyed pseudonyms use its hmac()) and
   the roles the grants config of dbt_project.yml names (`var('bi_role', 'bi_reader')`,
   `var('planner_role', 'campaign_planner')`; `--vars` as given to dbt overrides them),
   created NOLOGIN when missing: they are group roles, people log in as their members.
3. In ONE transaction: each table is created afresh in a scratch schema, filled by
   COPY ... FROM STDIN (Parquet/CSV read by DuckDB, streamed as CSV in Arrow batches,
   never materialised on disk), analysed, then the old `landing.<table>` is dropped and
   the new one moved into `landing`. Readers see the old tables until the commit; any
   failure rolls everything back and leaves the previous raw tables as they were.

Dropping an old raw table drops the views that read it (dbt's staging views); the next
`dbt build` recreates them, as dbt's own view materialisation does. A session-level
advisory lock keeps two loads of the same database from interleaving.
"""
from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping

import yaml

from subops.load import (
    FILE_COLUMN, LANDING_SCHEMA, LandingError, LandingTable, LoadError, check_contract,
    described_columns, landing_contract, landing_reader,
)
from subops.paths import PROJECT_DIR
from subops.postgres.connection import connect, connection_params

SCRATCH_SCHEMA = "landing__load"
LOCK_KEY = 0x5B0B5_10AD  # pg_advisory_lock key of `subops load`
BATCH_ROWS = 200_000
# var('bi_role', 'bi_reader') in a grants config of dbt_project.yml
_ROLE_VAR = re.compile(r"""var\(\s*['"](\w+_role)['"]\s*,\s*['"]([^'"]+)['"]\s*\)""")

# DuckDB type (without parameters) -> PostgreSQL column type. Anything else is loaded as
# text (DuckDB renders it with its own cast to varchar).
_TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint", "SMALLINT": "smallint", "UTINYINT": "smallint",
    "INTEGER": "integer", "USMALLINT": "integer",
    "BIGINT": "bigint", "UINTEGER": "bigint",
    "UBIGINT": "numeric(20, 0)", "HUGEINT": "numeric(39, 0)", "UHUGEINT": "numeric(39, 0)",
    "FLOAT": "real", "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP": "timestamp", "TIMESTAMP_S": "timestamp", "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_NS": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "VARCHAR": "text",
}


def postgres_type(duckdb_type: str) -> str | None:
    """The PostgreSQL type a DuckDB column loads as; None: load its text rendering."""
    decimal = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", duckdb_type)
    if decimal:
        return f"numeric({decimal.group(1)}, {decimal.group(2)})"
    return _TYPES.get(duckdb_type)


@dataclass
class TableLoad:
    identifier: str
    file_format: str
    rows: int = 0
    seconds: float = 0.0


@dataclass
class LoadReport:
    tables: list[TableLoad] = field(default_factory=list)
    roles_created: list[str] = field(default_factory=list)
    dropped_dependents: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(table.rows for table in self.tables)

    def lines(self) -> list[str]:
        out = [f"  landing.{t.identifier}: {t.rows} rows from {t.file_format} in {t.seconds:.1f}s"
               for t in self.tables]
        if self.roles_created:
            out.append(f"  created roles (NOLOGIN): {', '.join(self.roles_created)}")
        if self.dropped_dependents:
            out.append("  dropped views that read the old raw tables (the next dbt build recreates them): "
                       + ", ".join(self.dropped_dependents))
        return out


class _CsvBatches(io.RawIOBase):
    """A read-only file over Arrow record batches rendered as headerless CSV, for COPY.

    psycopg2's copy_expert sends whatever read() returns; one batch per call."""

    def __init__(self, batches: Iterator):
        import pyarrow.csv as pacsv

        self._batches = iter(batches)
        self._options = pacsv.WriteOptions(include_header=False, batch_size=BATCH_ROWS)
        self._write = pacsv.write_csv

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        for batch in self._batches:
            if batch.num_rows:
                sink = io.BytesIO()
                self._write(batch, sink, self._options)
                return sink.getvalue()
        return b""


def project_roles(project_dir: Path = PROJECT_DIR, cli_vars: Mapping[str, str] | None = None) -> dict[str, str]:
    """The roles the grants config of dbt_project.yml names, var -> role: each
    `var('<x>_role', '<default>')` there, the default unless `cli_vars` (dbt --vars) sets it."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text()) or {}
    found: dict[str, str] = {}

    def strings(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)
        elif isinstance(node, str):
            yield node

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if str(key).lstrip("+") == "grants":
                    for text in strings(value):
                        for var, default in _ROLE_VAR.findall(text):
                            found.setdefault(var, default)
                else:
                    walk(value)

    walk(project.get("models") or {})
    walk(project.get("seeds") or {})
    walk(project.get("snapshots") or {})
    return {var: str((cli_vars or {}).get(var) or default) for var, default in sorted(found.items())}


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select_list(table: LandingTable, found: dict[str, str]) -> tuple[list[str], list[str]]:
    """(DuckDB select expressions, PostgreSQL column definitions) in contract order."""
    selects, columns = [], []
    for column in table.columns:
        pg_type = postgres_type(found[column])
        selects.append(_ident(column) if pg_type else f"cast({_ident(column)} as varchar) as {_ident(column)}")
        columns.append(f"{_ident(column)} {pg_type or 'text'}")
    selects.append(_ident(FILE_COLUMN))
    columns.append(f'{_ident(FILE_COLUMN)} text collate "C" not null')
    return selects, columns


def prepare_server(con, roles: Mapping[str, str]) -> list[str]:
    """pgcrypto and the grant roles, created when missing (autocommit); returns roles created."""
    previous = con.autocommit
    con.autocommit = True
    created = []
    try:
        with con.cursor() as cur:
            try:
                cur.execute("create extension if not exists pgcrypto")
            except Exception as err:
                raise LoadError(
                    f"the pgcrypto extension is missing and {con.info.user} may not create it ({err}). "
                    "Ask a database owner to run CREATE EXTENSION pgcrypto; keyed pseudonyms need it."
                ) from err
            for role in dict.fromkeys(roles.values()):
                cur.execute("select 1 from pg_roles where rolname = %s", [role])
                if cur.fetchone():
                    continue
                try:
                    cur.execute(f"create role {_ident(role)} nologin")
                except Exception as err:
                    raise LoadError(
                        f"role '{role}' (granted SELECT on the marts) does not exist and {con.info.user} "
                        f"may not create it ({err}). Ask a DBA to run CREATE ROLE {role} NOLOGIN."
                    ) from err
                created.append(role)
    finally:
        con.autocommit = previous
    return created


def load_landing(landing_dir: Path, *, environ: Mapping[str, str] | None = None,
                 project_dir: Path = PROJECT_DIR, cli_vars: Mapping[str, str] | None = None,
                 echo=None) -> LoadReport:
    """Replace schema `landing`'s raw tables with the files under `landing_dir`."""
    import duckdb

    started = time.monotonic()
    landing_dir = Path(landing_dir).resolve()
    report = LoadReport()
    duck = duckdb.connect(config={"threads": 2, "memory_limit": "4GB"})
    try:
        plans = []
        for table in landing_contract(project_dir):
            reader, file_format = landing_reader(duck, table, landing_dir)
            found = described_columns(duck, reader)
            check_contract(table, found, landing_dir)
            if FILE_COLUMN in table.columns:
                raise LandingError(f"Landing table '{table.identifier}' documents reserved column '{FILE_COLUMN}'")
            plans.append((table, reader, file_format, found))

        try:
            con = connect(environ)
        except Exception as err:
            params = connection_params(environ)
            raise LoadError(
                f"cannot connect to PostgreSQL {params['user']}@{params['host']}:{params['port']}/"
                f"{params['dbname']} (SUBOPS_PG_HOST, _PORT, _USER, _PASSWORD, _DATABASE): "
                f"{str(err).strip()}") from err
        try:
            report.roles_created = prepare_server(con, project_roles(project_dir, cli_vars))
            with con.cursor() as cur:
                cur.execute("select pg_advisory_lock(%s)", [LOCK_KEY])
            con.commit()
            try:
                _load_and_swap(con, duck, plans, report, echo)
            finally:
                con.rollback()
                with con.cursor() as cur:
                    cur.execute("select pg_advisory_unlock(%s)", [LOCK_KEY])
                con.commit()
        finally:
            con.close()
    finally:
        duck.close()
    report.seconds = time.monotonic() - started
    return report


def _load_and_swap(con, duck, plans, report: LoadReport, echo) -> None:
    import duckdb
    import psycopg2

    con.notices.clear()
    with con.cursor() as cur:
        cur.execute(f"drop schema if exists {SCRATCH_SCHEMA} cascade")
        cur.execute(f"create schema {SCRATCH_SCHEMA}")
        cur.execute(f"create schema if not exists {LANDING_SCHEMA}")
        for table, reader, file_format, found in plans:
            table_started = time.monotonic()
            selects, columns = _select_list(table, found)
            scratch = f"{SCRATCH_SCHEMA}.{_ident(table.identifier)}"
            cur.execute(f"create table {scratch} ({', '.join(columns)})")
            names = ", ".join([_ident(c) for c in table.columns] + [_ident(FILE_COLUMN)])
            try:
                batches = duck.sql(f"select {', '.join(selects)} from {reader}").to_arrow_reader(BATCH_ROWS)
                cur.copy_expert(f"copy {scratch} ({names}) from stdin with (format csv)",
                                _CsvBatches(batches), size=1 << 20)
            except (psycopg2.Error, duckdb.Error) as err:
                message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                raise LandingError(
                    f"Landing table '{table.identifier}' could not be loaded: {message}. "
                    f"Nothing was replaced: schema {LANDING_SCHEMA} is as it was."
                ) from err
            rows = cur.rowcount
            cur.execute(f"analyze {scratch}")
            load = TableLoad(table.identifier, file_format, rows, time.monotonic() - table_started)
            report.tables.append(load)
            if echo:
                echo(f"  loaded {table.identifier}: {rows} rows in {load.seconds:.1f}s")
        # The swap: still the same transaction, so readers switch at the commit.
        for table, *_ in plans:
            cur.execute(f"drop table if exists {LANDING_SCHEMA}.{_ident(table.identifier)} cascade")
            cur.execute(f"alter table {SCRATCH_SCHEMA}.{_ident(table.identifier)} set schema {LANDING_SCHEMA}")
        cur.execute(f"drop schema {SCRATCH_SCHEMA}")
    con.commit()
    for notice in con.notices:
        report.dropped_dependents += re.findall(r"drop cascades to view (\S+)", notice)
