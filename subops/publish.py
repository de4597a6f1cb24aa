"""Publish a validated build atomically: the served database, Parquet exports, dispatch files.

What is public is decided here and only here:
- PUBLIC_SCHEMAS: every table or view found in these schemas of the build database is a
  public mart (exported to Parquet, counted, kept in the served database); a new mart
  appears without code changes;
- DISPATCH_SCHEMA / DISPATCH_PREFIX: relations named `dispatch_*` in schema `campaigns`
  are the per-channel dispatch lists, also written as CSV files for the channel systems;
- SERVED_SCHEMAS: what the served database keeps; everything else (landing views over the
  raw files, staging, intermediate models) is dropped from the served copy.

Mechanism (readers never see a half-written file and never touch the build file):
1. the closed build file is copied to a temp name in the warehouse folder, pruned to
   SERVED_SCHEMAS (views there become tables), stamped with `meta.publication`;
2. from that copy every public mart is written to `exports/.<run_id>.tmp/<schema>/<mart>.parquet`
   and every dispatch relation to `.../dispatch/<relation>.csv`, plus `manifest.json`;
   the folder is then renamed to `exports/<run_id>/`;
3. `os.replace(temp copy, served.duckdb)`: a reader that already has the old file open
   keeps reading the old inode; a new reader opens the new file;
4. the symlink `exports/current` (-> `<run_id>`) is replaced by os.replace of a new
   symlink, and `exports/current.json` (same information, for tools that do not follow
   symlinks) is replaced the same way;
5. export folders older than the newest KEEP_EXPORTS are removed (never the current one).
Anything failing before step 3 removes the temp files and leaves the served database and
exports exactly as they were.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb

PUBLIC_SCHEMAS = ("core", "tags", "segments", "campaigns", "kpi", "churn")
DISPATCH_SCHEMA = "campaigns"
DISPATCH_PREFIX = "dispatch_"
SERVED_SCHEMAS = (*PUBLIC_SCHEMAS, "reference", "audit", "meta")
KEEP_EXPORTS = 3

SERVED_FILE = "served.duckdb"
EXPORTS_DIR = "exports"
CURRENT_LINK = "current"
CURRENT_JSON = "current.json"


class PublishError(RuntimeError):
    """Publishing failed; the served database and exports are unchanged."""


@dataclass
class Publication:
    run_id: str
    served: Path
    export_dir: Path
    current: Path
    marts: dict[str, int] = field(default_factory=dict)  # schema.mart -> rows
    dispatch_files: list[Path] = field(default_factory=list)


def _relations(con, schemas) -> list[tuple[str, str, str]]:
    if not schemas:
        return []
    placeholders = ", ".join("?" for _ in schemas)
    return con.execute(f"""
        select table_schema, table_name, table_type from information_schema.tables
        where table_catalog = current_database() and table_schema in ({placeholders})
        order by table_schema, table_name""", list(schemas)).fetchall()


def public_marts(con) -> list[str]:
    """Every relation in PUBLIC_SCHEMAS, as schema.name."""
    return [f"{s}.{t}" for s, t, _ in _relations(con, PUBLIC_SCHEMAS)]


def dispatch_relations(con) -> list[str]:
    return [f"{s}.{t}" for s, t, _ in _relations(con, (DISPATCH_SCHEMA,)) if t.startswith(DISPATCH_PREFIX)]


def public_marts_in(database: Path) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        return public_marts(con)


def checkpoint(database: Path) -> None:
    """Fold any write-ahead log into the build file, so a plain file copy is complete.

    Called by the runner after dbt has exited: dbt held the only connection."""
    with duckdb.connect(str(database)) as con:
        con.execute("checkpoint")
    wal = Path(f"{database}.wal")
    if wal.exists() and wal.stat().st_size:
        raise PublishError(f"{wal} is still present after a checkpoint; is another process writing {database}?")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune_served_copy(con, pii_key: str | None) -> None:
    if pii_key:  # a public view over staging may pseudonymise (see subops/duckdb_pii.py)
        from subops.duckdb_pii import hmac_pads
        inner, outer = hmac_pads(pii_key)
        con.execute("set variable subops_pii_inner_pad = $1", [inner])
        con.execute("set variable subops_pii_outer_pad = $1", [outer])
    # Views in served schemas become tables: the served file must stand alone.
    for schema, name, kind in _relations(con, SERVED_SCHEMAS):
        if kind == "VIEW":
            relation = f"{_quote(schema)}.{_quote(name)}"
            temp = f"{_quote(schema)}.{_quote('__subops_tmp_' + name)}"
            con.execute(f"create table {temp} as select * from {relation}")
            con.execute(f"drop view {relation}")
            con.execute(f"alter table {temp} rename to {_quote(name)}")
    schemas = [r[0] for r in con.execute("""
        select schema_name from information_schema.schemata
        where catalog_name = current_database()""").fetchall()]
    for schema in schemas:
        if schema in SERVED_SCHEMAS or schema in ("information_schema", "pg_catalog"):
            continue
        if schema == "main":
            for _, name, kind in _relations(con, ("main",)):
                con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} if exists main.{_quote(name)} cascade")
            continue
        con.execute(f"drop schema {_quote(schema)} cascade")


def _export(con, marts: list[str], dispatch: list[str], folder: Path, run_id: str, month: date,
            published_at: str) -> tuple[dict, list[Path]]:
    counts, files, manifest_marts = {}, [], {}
    folder.mkdir(parents=True)
    for mart in marts:
        schema, name = mart.split(".", 1)
        target = folder / schema / f"{name}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        relation = f"{_quote(schema)}.{_quote(name)}"
        con.execute(f"copy (select * from {relation}) to {_sql_path(target)} (format parquet, compression zstd)")
        counts[mart] = con.execute(f"select count(*) from {relation}").fetchone()[0]
        manifest_marts[mart] = {"rows": counts[mart], "file": str(target.relative_to(folder))}
    manifest_dispatch = {}
    for relation_name in dispatch:
        schema, name = relation_name.split(".", 1)
        target = folder / "dispatch" / f"{name}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy (select * from {_quote(schema)}.{_quote(name)}) to {_sql_path(target)} "
                    "(format csv, header true)")
        files.append(target)
        manifest_dispatch[relation_name] = {"rows": counts.get(relation_name),
                                            "file": str(target.relative_to(folder))}
    manifest = {"run_id": run_id, "month": month.isoformat(), "published_at": published_at,
                "marts": manifest_marts, "dispatch": manifest_dispatch}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return counts, files


def _switch_pointer(exports: Path, run_id: str, month: date, published_at: str) -> None:
    link_tmp = exports / f".{CURRENT_LINK}.{os.getpid()}.tmp"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    os.symlink(run_id, link_tmp)
    os.replace(link_tmp, exports / CURRENT_LINK)
    pointer = {"run_id": run_id, "month": month.isoformat(), "published_at": published_at,
               "path": run_id}
    json_tmp = exports / f".{CURRENT_JSON}.{os.getpid()}.tmp"
    json_tmp.write_text(json.dumps(pointer, indent=2) + "\n")
    os.replace(json_tmp, exports / CURRENT_JSON)
    _fsync(exports)


def current_export(warehouse_dir: Path) -> Path | None:
    """The export folder `current` points to (None before the first publish)."""
    link = Path(warehouse_dir) / EXPORTS_DIR / CURRENT_LINK
    return link.resolve() if link.is_symlink() else None


def _prune_exports(exports: Path, keep: int) -> None:
    current = os.readlink(exports / CURRENT_LINK) if (exports / CURRENT_LINK).is_symlink() else None
    folders = sorted(p for p in exports.iterdir()
                     if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
    for old in folders[:-keep] if keep else folders:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(warehouse_dir: Path, exports: Path) -> None:
    """Temp files of a run that died while publishing (the runner holds the lock)."""
    for stale in warehouse_dir.glob(".served.*.tmp*"):
        stale.unlink(missing_ok=True)
    if exports.exists():
        for stale in exports.glob(".*.tmp"):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)


def publish(build_db: Path, warehouse_dir: Path, run_id: str, month: date,
            pii_key: str | None = None, keep_exports: int = KEEP_EXPORTS) -> Publication:
    warehouse_dir = Path(warehouse_dir)
    exports = warehouse_dir / EXPORTS_DIR
    served = warehouse_dir / SERVED_FILE
    _remove_leftovers(warehouse_dir, exports)
    exports.mkdir(parents=True, exist_ok=True)
    published_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    served_tmp = warehouse_dir / f".served.{run_id}.tmp"
    export_tmp = exports / f".{run_id}.tmp"
    export_dir = exports / run_id
    try:
        shutil.copyfile(build_db, served_tmp)
        with duckdb.connect(str(served_tmp)) as con:
            _prune_served_copy(con, pii_key)
            con.execute("create schema if not exists meta")
            con.execute("""
                create or replace table meta.publication as
                select ? as run_id, cast(? as date) as month, cast(? as timestamp) as published_at""",
                        [run_id, month.isoformat(), published_at.rstrip("Z")])
            marts = public_marts(con)
            dispatch = dispatch_relations(con)
            counts, dispatch_files = _export(con, marts, dispatch, export_tmp, run_id, month, published_at)
            con.execute("checkpoint")
        _fsync(served_tmp)
        os.rename(export_tmp, export_dir)
    except Exception as err:
        served_tmp.unlink(missing_ok=True)
        Path(f"{served_tmp}.wal").unlink(missing_ok=True)
        shutil.rmtree(export_tmp, ignore_errors=True)
        raise PublishError(f"publishing failed before the switch, nothing changed: {err}") from err
    os.replace(served_tmp, served)
    _switch_pointer(exports, run_id, month, published_at)
    _prune_exports(exports, keep_exports)
    return Publication(
        run_id=run_id, served=served, export_dir=export_dir, current=exports / CURRENT_LINK,
        marts=counts, dispatch_files=[export_dir / f.relative_to(export_tmp) for f in dispatch_files],
    )
