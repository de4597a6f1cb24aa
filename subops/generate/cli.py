"""`subops generate`: synthetic landing data (contract v1) for the subscriber_ops warehouse."""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

from subops.paths import DEFAULT_LANDING_DIR


def add_parser(subparsers, name: str) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        name,
        help="write synthetic landing data (7 tables, Parquet) for a province mobile operator",
        description=__doc__ + "\n\nSame arguments give byte-identical files.",
    )
    p.add_argument("--subscribers", type=int, default=10_000, help="subscribers in the base at the start (default 10000)")
    p.add_argument("--months", type=int, default=12, help="months in the window (default 12)")
    p.add_argument("--start-month", default="2025-01", help="first month of the window, YYYY-MM (default 2025-01)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--defect-rate", type=float, default=0.0,
                   help="share of extra defective rows per table, 0 for none (default 0)")
    p.add_argument("--out", type=Path, default=DEFAULT_LANDING_DIR, help=f"output folder (default {DEFAULT_LANDING_DIR})")
    p.add_argument("--force", action="store_true",
                   help="replace the generator's earlier output in --out (table folders, truth/, manifest.json)")
    p.add_argument("--memory-limit", default="5GB", help="DuckDB memory_limit (default 5GB)")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def run(args: argparse.Namespace) -> int:
    from subops.cli import UserError

    from .engine import OWNED, Generator, OutOfMemory, Params

    if args.subscribers < 100 or args.subscribers > 50_000_000:
        raise UserError("--subscribers must be between 100 and 50000000")
    if not 1 <= args.months <= 60:
        raise UserError("--months must be between 1 and 60")
    m = re.fullmatch(r"(\d{4})-(\d{2})", args.start_month or "")
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2006 <= int(m.group(1)) <= 2090:
        raise UserError(f"--start-month must be YYYY-MM (2006-2090), got {args.start_month!r}")
    if not 0 <= args.defect_rate <= 0.5:
        raise UserError("--defect-rate must be between 0 and 0.5")
    if not 0 <= args.seed < 2**62:
        raise UserError("--seed must be a non-negative integer below 2**62")
    if args.threads < 1:
        raise UserError("--threads must be at least 1")
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    if out.is_dir():
        present = [p for p in out.iterdir() if p.name in OWNED or p.name == "_tmp"]
        others = [p for p in out.iterdir() if p.name not in OWNED and p.name != "_tmp"]
        if others:
            raise UserError(f"--out {out} holds files the generator did not write ({others[0].name}, ...); "
                            "use an empty or new folder")
        if present and not args.force:
            raise UserError(f"--out {out} already holds generated data; use --force to replace it")
        for p in present:
            shutil.rmtree(p) if p.is_dir() else p.unlink()

    t0 = time.monotonic()
    gen = Generator(Params(
        subscribers=args.subscribers, months=args.months, start_month=args.start_month, seed=args.seed,
        defect_rate=args.defect_rate, out=out, memory_limit=args.memory_limit, threads=args.threads,
        progress=not args.no_progress,
    ))
    try:
        manifest = gen.run()
    except OutOfMemory as err:
        # no manifest.json is written, so nothing reads the partial folder as a tier
        raise UserError(f"ran out of --memory-limit {args.memory_limit} in step '{err.step}'; raise it "
                        "(10M subscribers x 3 months needs about 16GB) and run again with --force") from err
    rows = manifest["row_counts"]
    n_def = sum(sum(v.values()) for v in manifest["defects"].values())
    churn = manifest["churn"]
    print(
        f"subops generate: {args.subscribers} subscribers x {args.months} months from {args.start_month} "
        f"(seed {args.seed}) -> {out}: "
        + ", ".join(f"{t} {n}" for t, n in rows.items())
        + f" rows; {n_def} defective rows; {churn['churners']} churners, {churn['winbacks']} win-backs; "
        f"{time.monotonic() - t0:.0f}s",
        file=sys.stdout,
    )
    return 0
