"""Is a relation the same on DuckDB as on PostgreSQL or Spark? Row count plus a checksum.

Values are normalised before hashing, so that the engines' Python types compare:
decimals with at most two places to 2 places (money), other non-integral numbers
(floats, PostgreSQL's wide numerics from avg() or division) to 6 significant digits,
integral numbers exactly, timestamps and dates to ISO strings (aware ones in UTC),
booleans to true/false, NULL to a marker. Each row's values are hashed in the order of
their column names (Spark moves partition columns to the end of a table), rows are
sorted in Python, so neither engine's collation or row order matters, and hashed with
SHA-256. The digest keeps the relation's own column order for callers that compare it.
"""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import math
import uuid
from dataclasses import dataclass

NULL = "\\N"


def normalise(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return str(float(value))
        if value == value.to_integral_value():
            return str(int(value))
        if -value.as_tuple().exponent <= 2:
            return f"{value:.2f}"
        return _significant(float(value))
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        if value == int(value) and abs(value) < 2**53:
            return str(int(value))
        return _significant(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds():g}s"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(normalise(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{normalise(v)}" for k, v in sorted(value.items())) + "}"
    return str(value)


def _significant(value: float) -> str:
    text = f"{value:.6g}"
    return "0" if float(text) == 0 else text


@dataclass(frozen=True)
class Digest:
    columns: tuple[str, ...]
    rows: int
    checksum: str


def digest(columns, rows) -> Digest:
    """Digest of a relation given its column names and an iterable of row tuples."""
    order = sorted(range(len(columns)), key=lambda i: columns[i].lower())
    normalised = sorted(tuple(normalise(row[i]) for i in order) for row in rows)
    sha = hashlib.sha256()
    for row in normalised:
        sha.update("\x1f".join(row).encode("utf-8"))
        sha.update(b"\x1e")
    return Digest(tuple(c.lower() for c in columns), len(normalised), sha.hexdigest())


def _quoted(schema: str, name: str) -> str:
    return f'"{schema}"."{name}"'


def duckdb_digest(con, schema: str, name: str) -> Digest:
    cursor = con.execute(f"select * from {_quoted(schema, name)}")
    columns = [d[0] for d in cursor.description]
    return digest(columns, cursor.fetchall())


def postgres_digest(con, schema: str, name: str) -> Digest:
    with con.cursor() as cur:
        cur.execute(f"select * from {_quoted(schema, name)}")
        columns = [d[0] for d in cur.description]
        return digest(columns, cur.fetchall())


def spark_digest(spark, schema: str, name: str) -> Digest:
    """Digest of a Spark relation, read through a pyspark session (timestamps come back as
    naive local times: run it with TZ=UTC and the session time zone UTC)."""
    frame = spark.table(f"`{schema}`.`{name}`")
    return digest(frame.columns, (tuple(row) for row in frame.toLocalIterator()))
