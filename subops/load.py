"""`subops load`: put the landing files into raw tables on a server target (COPY, atomic swap).

On DuckDB the warehouse reads the landing files in place (the on-run-start hook makes
views); a server target gets raw tables instead. `subops load --target postgres` reads
every landing table the way the DuckDB hook does (Parquet preferred, CSV with a header
accepted, any file names, optional month=YYYY-MM/ folders), checks it against the
columns the sources YAML documents (landing contract v1), and replaces the tables of
schema `landing` in one transaction: a failed load leaves the previous tables intact.

Each raw table has the contract columns, in the sources YAML's order, plus
`_landing_file` (the file the row came from; staging's dedup keeps the latest file).
Parquet columns keep their types; CSV columns are text, as on DuckDB. Extra columns
in the files are ignored.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from subops.paths import DEFAULT_LANDING_DIR, PROJECT_DIR

TARGETS = ("postgres",)
LANDING_SCHEMA = "landing"
FILE_COLUMN = "_landing_file"


@dataclass(frozen=True)
class LandingTable:
    """One landing table of the contract: its name and required columns, in order."""

    identifier: str
    columns: tuple[str, ...]
    source: str  # the dbt source it belongs to (crm, billing, ...)


def landing_contract(project_dir: Path = PROJECT_DIR) -> list[LandingTable]:
    """The landing tables and their contract columns, read from the sources YAML
    (models/staging/*/_*__sources.yml, sources whose schema is `landing`), by name."""
    tables = []
    for path in sorted((project_dir / "models" / "staging").glob("*/_*__sources.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for source in document.get("sources") or []:
            if source.get("schema", source["name"]) != LANDING_SCHEMA:
                continue
            for table in source.get("tables") or []:
                tables.append(LandingTable(
                    identifier=table.get("identifier", table["name"]),
                    columns=tuple(column["name"].lower() for column in table.get("columns") or []),
                    source=source["name"],
                ))
    if not tables:
        raise LandingError(f"no landing sources found under {project_dir / 'models' / 'staging'}")
    return sorted(tables, key=lambda table: table.identifier)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def landing_reader(con, table: LandingTable, landing_dir: Path) -> tuple[str, str]:
    """The DuckDB table function that reads one landing table's files, and its format.

    Mirrors macros/landing/create_landing_relations.sql, so `_landing_file` holds the
    same path on every target."""
    folder = f"{landing_dir.as_posix()}/{table.identifier}"
    parquet, csv = con.execute(
        f"select (select count(*) from glob({_sql_string(folder + '/**/*.parquet')})),"
        f" (select count(*) from glob({_sql_string(folder + '/**/*.csv')}))"
    ).fetchone()
    if parquet:
        return (f"read_parquet({_sql_string(folder + '/**/*.parquet')}, union_by_name = true, "
                f"filename = '{FILE_COLUMN}', hive_partitioning = false)"), "parquet"
    if csv:
        return (f"read_csv({_sql_string(folder + '/**/*.csv')}, header = true, all_varchar = true, "
                f"union_by_name = true, filename = '{FILE_COLUMN}', hive_partitioning = false)"), "csv"
    raise LandingError(
        f"Landing table '{table.identifier}' has no Parquet or CSV files under {folder} "
        f"(--landing-dir = '{landing_dir}')."
    )


def described_columns(con, reader: str) -> dict[str, str]:
    """Column name (lowercase) -> DuckDB type of what `reader` yields."""
    return {name.lower(): type_ for name, type_, *_ in con.execute(f"describe select * from {reader}").fetchall()}


def check_contract(table: LandingTable, found: dict[str, str], landing_dir: Path) -> None:
    for column in table.columns:
        if column not in found:
            raise LandingError(
                f"Landing table '{table.identifier}' is missing required column '{column}' "
                f"(landing contract v1); files read: {landing_dir.as_posix()}/{table.identifier}"
            )


class LoadError(Exception):
    """A load that could not be done; the target's raw tables are as they were."""


class LandingError(LoadError):
    """The landing data does not meet the contract (missing folder, file or column)."""


def add_parser(subparsers, name):
    parser = subparsers.add_parser(
        name, help="load the landing files into raw tables on a server target (COPY, atomic swap)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True, choices=TARGETS,
                        help="where to load: postgres (connection from SUBOPS_PG_HOST, _PORT, _USER, "
                             "_PASSWORD, _DATABASE)")
    parser.add_argument("--landing-dir", type=Path, default=DEFAULT_LANDING_DIR,
                        help="landing folder, one sub-folder per table (default: data/landing)")
    parser.add_argument("--vars", default=None, metavar="YAML",
                        help="the dbt --vars the build will use, for the grant role names "
                             "(e.g. '{bi_role: analysts}'); roles missing on the server are created NOLOGIN")
    return parser


def run(args) -> int:
    from subops.cli import UserError

    landing_dir = args.landing_dir.resolve()
    if not landing_dir.is_dir():
        raise UserError(f"landing folder not found: {landing_dir}")
    cli_vars = yaml.safe_load(args.vars) if args.vars else {}
    if not isinstance(cli_vars, dict):
        raise UserError(f"--vars must be a YAML mapping, got {args.vars!r}")
    started = time.monotonic()
    try:
        if args.target == "postgres":
            from subops.postgres.loader import load_landing

            report = load_landing(landing_dir, cli_vars=cli_vars)
    except LoadError as err:
        raise UserError(str(err)) from err
    for line in report.lines():
        print(line)
    print(f"subops load: {report.total_rows} rows in {len(report.tables)} tables "
          f"loaded into {args.target} in {time.monotonic() - started:.1f}s")
    return 0
