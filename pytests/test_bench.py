"""`subops bench` on a tiny tier: every stage runs, the table and the JSON carry the
figures the issue asks for (per stage, per layer, slowest models, rows/s, ratios)."""
from __future__ import annotations

import json

from subops.cli import main as subops_main


def test_bench_measures_full_incremental_and_floor(tmp_path, capsys):
    report_file = tmp_path / "bench.json"
    code = subops_main(["bench", "--subscribers", "400", "--months", "3", "--defect-rate", "0",
                        "--data-dir", str(tmp_path / "data"), "--work-dir", str(tmp_path / "work"),
                        "--memory-limit", "3GB", "--json", str(report_file)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    report = json.loads(report_file.read_text())

    stages = {stage["name"]: stage for stage in report["stages"]}
    assert set(stages) == {"full", "incremental", "lifecycle_month", "tags_segments_month", "floor"}
    for stage in stages.values():
        assert stage["ok"] and stage["seconds"] > 0 and stage["peak_memory_mb"] > 50
    assert stages["floor"]["detail"]["usage_rows"] == report["tier"]["rows"]["usage_daily"]
    assert report["tier"]["memory_limit"] == "3GB" and "DuckDB memory_limit 3GB" in printed

    layers = {row["layer"] for row in report["layers"]}
    assert {"staging", "audit", "intermediate", "core", "tags", "segments"} <= layers
    assert len(report["slowest"]) == 5
    assert report["usage_rollup_rows_per_second"]["build"] > 0
    assert set(report["ratios"]) == {"build/floor", "incremental/full"}
    for heading in ("stage", "time per layer", "five slowest", "usage roll-up rows/s", "ratios: build/floor",
                    "targets", "lifecycle_month wall s"):
        assert heading in printed
    checks = {check["what"]: check for check in report["targets"]}
    assert checks["full wall s"]["measured"] == stages["full"]["seconds"]
    assert checks["full wall s"]["met"] == (stages["full"]["seconds"] <= 300)


def test_bench_reuses_a_generated_tier(tmp_path, capsys):
    from argparse import Namespace

    from subops.bench import tier_data
    args = Namespace(subscribers=150, months=2, seed=3, defect_rate=0.0, data_dir=tmp_path)
    first = tier_data(args)
    stamp = (first / "manifest.json").stat().st_mtime_ns
    assert tier_data(args) == first
    assert (first / "manifest.json").stat().st_mtime_ns == stamp
    assert "reusing" in capsys.readouterr().out


def test_a_failed_generation_says_why(tmp_path, monkeypatch):
    from argparse import Namespace

    import pytest

    import subops.bench as bench
    from subops.cli import UserError
    monkeypatch.setattr(bench, "GENERATE_MEMORY_LIMIT", "30MB")
    args = Namespace(subscribers=3000, months=2, seed=3, defect_rate=0.0, data_dir=tmp_path)
    with pytest.raises(UserError, match=r"exit 2\): subops generate: error: ran out of --memory-limit 30MB"):
        bench.tier_data(args)
    assert (tmp_path / "3000x2-seed3-defects0.0.generate.log").exists()
