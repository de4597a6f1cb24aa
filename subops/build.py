"""`subops build`: load reference seeds and build every model with its tests (dbt build)."""
from __future__ import annotations

from pathlib import Path

from subops.dbt import DbtSession
from subops.paths import DEFAULT_LANDING_DIR, DEFAULT_WAREHOUSE_DIR


def add_parser(subparsers, name):
    parser = subparsers.add_parser(name, help=__doc__.split(":", 1)[1].strip())
    parser.add_argument("--landing-dir", type=Path, default=DEFAULT_LANDING_DIR)
    parser.add_argument("--database", type=Path, default=DEFAULT_WAREHOUSE_DIR / "build.duckdb",
                        help="DuckDB file to build into")
    parser.add_argument("--select", default=None, help="dbt selection (default: everything)")
    return parser


def run(args) -> int:
    session = DbtSession(duckdb_path=args.database.resolve(), landing_dir=args.landing_dir.resolve())
    selection = ["--select", args.select] if args.select else []
    return session.run("build", *selection, check=False).returncode
