"""Look for raw personal data where it must not be: any DuckDB database, Parquet or CSV file.

The raw values come straight from the landing files of the CRM table (`subscribers`):
every msisdn (digits only, and its last 11 digits without +86), every ID number
(cert_id, upper case) and every customer name. A text (or integer) column leaks when a
value equals one of them, or contains an 11-digit mobile number or an 18-character ID
number that is one of them, also when written with spaces, dashes or dots in between. Used by the tests of staging (the build database) and of
`subops run` (the served database, the Parquet exports and the dispatch files).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# Column types whose values could carry a raw msisdn, ID number or name.
_SCANNED_TYPES = ("VARCHAR", "BIGINT", "HUGEINT", "UBIGINT", "INTEGER")
_SKIPPED_SCHEMAS = ("landing", "information_schema", "pg_catalog")


@dataclass
class ScanResult:
    raw_values: int = 0  # distinct raw personal values looked for
    columns: int = 0  # columns scanned
    relations: int = 0  # tables, views and files scanned
    leaks: list[str] = field(default_factory=list)  # "<where>.<column>: <n> rows"


def _sql_string(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _landing_reader(landing_dir: Path, table: str = "subscribers") -> str:
    folder = Path(landing_dir) / table
    if any(folder.rglob("*.parquet")):
        return (f"read_parquet({_sql_string(folder / '**' / '*.parquet')}, union_by_name = true, "
                "hive_partitioning = false)")
    if any(folder.rglob("*.csv")):
        return (f"read_csv({_sql_string(folder / '**' / '*.csv')}, header = true, all_varchar = true, "
                "union_by_name = true, hive_partitioning = false)")
    raise FileNotFoundError(f"no Parquet or CSV files under {folder}")


def load_raw_pii(con: duckdb.DuckDBPyConnection, landing_dir: Path) -> int:
    """Create temp table `raw_pii(value)` on `con` from the landing CRM files; return its size."""
    reader = _landing_reader(landing_dir)
    con.execute(f"""
        create or replace temp table raw_pii as
        select distinct value from (
            select regexp_replace(cast(msisdn as varchar), '[^0-9]', '', 'g') as value from {reader}
            union all select right(regexp_replace(cast(msisdn as varchar), '[^0-9]', '', 'g'), 11) from {reader}
            union all select upper(cast(cert_id as varchar)) from {reader}
            union all select cast(customer_name as varchar) from {reader}
        ) where length(value) >= 2""")
    return con.execute("select count(*) from raw_pii").fetchone()[0]


def _leaking_rows(con: duckdb.DuckDBPyConnection, relation: str, column: str) -> int:
    value = f'cast(t."{column}" as varchar)'
    # A number may be written with spaces, dashes or dots between its digits (138-1234-5678).
    squeezed = f"regexp_replace({value}, '[ .-]', '', 'g')"
    return con.execute(f"""
        select count(*) from {relation} as t
        where exists (
            select 1 from raw_pii
            where raw_pii.value = {value}
               or raw_pii.value = regexp_extract({value}, '1[3-9][0-9]{{9}}')
               or raw_pii.value = regexp_extract({squeezed}, '1[3-9][0-9]{{9}}')
               or raw_pii.value = upper(regexp_extract({value}, '[0-9]{{17}}[0-9Xx]'))
               or raw_pii.value = upper(regexp_extract({squeezed}, '[0-9]{{17}}[0-9Xx]'))
        )""").fetchone()[0]


def _scan_relation(con, relation: str, label: str, result: ScanResult) -> None:
    columns = con.execute(f"describe select * from {relation}").fetchall()
    result.relations += 1
    for name, column_type, *_ in columns:
        if column_type not in _SCANNED_TYPES:
            continue
        result.columns += 1
        found = _leaking_rows(con, relation, name)
        if found:
            result.leaks.append(f"{label}.{name}: {found} rows")


def scan_database(database: Path, landing_dir: Path,
                  skip_schemas: tuple[str, ...] = _SKIPPED_SCHEMAS) -> ScanResult:
    """Scan every table and view of a DuckDB file (opened read-only) outside `skip_schemas`."""
    result = ScanResult()
    with duckdb.connect(str(database), read_only=True) as con:
        result.raw_values = load_raw_pii(con, landing_dir)
        relations = con.execute("""
            select table_schema, table_name from information_schema.tables
            where table_catalog = current_database()
            order by 1, 2""").fetchall()
        for schema, table in relations:
            if schema in skip_schemas:
                continue
            _scan_relation(con, f'"{schema}"."{table}"', f"{schema}.{table}", result)
    return result


def scan_files(paths: list[Path], landing_dir: Path) -> ScanResult:
    """Scan Parquet and CSV files (CSV columns are read as text)."""
    result = ScanResult()
    with duckdb.connect() as con:
        result.raw_values = load_raw_pii(con, landing_dir)
        for path in paths:
            path = Path(path)
            if path.suffix == ".parquet":
                relation = f"read_parquet({_sql_string(path)})"
            elif path.suffix == ".csv":
                relation = f"read_csv({_sql_string(path)}, header = true, all_varchar = true)"
            else:
                continue
            _scan_relation(con, relation, str(path), result)
    return result
