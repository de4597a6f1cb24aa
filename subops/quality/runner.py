"""Run the suites against a (closed) build database with GE 1.x's pandas-dataframe path.

GE's SQL path fails on DuckDB (MetricResolutionError), so each batch is read with
DuckDB into a pandas DataFrame and validated in memory: a mart's rows (only the run's
month for a fact with `month_column`), a one-row volume table (rows, baseline rows,
ratio) and each check's SQL result.
"""
from __future__ import annotations

import logging
import math
import os
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from subops.quality.suites import Check, ExpectationSpec, Suite

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no network here; no usage statistics


@dataclass
class ExpectationResult:
    suite: str
    batch: str  # what was validated: "rows 2025-03", "volume", "check churn_rate"
    expectation: str  # GE expectation type, or "query" when the batch could not be read
    arguments: dict
    severity: str  # critical | warning
    success: bool
    observed: str
    description: str | None = None

    @property
    def failed(self) -> bool:
        return not self.success and self.severity == "critical"

    @property
    def label(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.arguments.items())
        return f"{self.suite} / {self.batch}: {self.expectation}({args})"


@dataclass
class QualityOutcome:
    month: date
    results: list[ExpectationResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (suite, reason)
    marts_without_suite: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if r.failed]

    @property
    def warnings(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success and r.severity != "critical"]

    @property
    def passed(self) -> int:
        return sum(r.success for r in self.results)

    @property
    def ok(self) -> bool:
        return not self.failures


def month_literal(month: date) -> str:
    return f"date '{month.isoformat()}'"


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def render_sql(sql: str, suite: Suite, month: date) -> str:
    return (sql.replace("{month}", month_literal(month))
               .replace("{previous_month}", month_literal(previous_month(month)))
               .replace("{relation}", suite.relation or ""))


_DOMAIN_KWARGS = ("column", "column_list", "column_A", "column_B", "row_condition")


class _Validator:
    """One ephemeral GE context for a run; validates DataFrames against expectation specs."""

    def __init__(self):
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.source = self.context.data_sources.add_pandas("subops_quality")
        self.count = 0

    def validate(self, frame, specs: list[ExpectationSpec], suite: str, batch: str) -> list[ExpectationResult]:
        self.count += 1
        name = f"b{self.count}"
        asset = self.source.add_dataframe_asset(name)
        definition = asset.add_batch_definition_whole_dataframe(name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gx_batch = definition.get_batch(batch_parameters={"dataframe": frame})
        # A GE suite keeps one expectation per type and domain (a second one on the same
        # column replaces the first), so the specs are spread over as many suites as needed.
        groups: list[dict] = []
        for index, spec in enumerate(specs):
            domain = (spec.type, repr({k: spec.kwargs.get(k) for k in _DOMAIN_KWARGS}))
            group = next((g for g in groups if domain not in g), None)
            if group is None:
                group = {}
                groups.append(group)
            group[domain] = (index, spec)
        validations = []
        try:
            self._run_groups(name, groups, gx_batch, validations)
        except Exception as err:  # GE failed to evaluate: every spec of this batch fails
            message = " ".join(str(err).split())[:300]
            return [ExpectationResult(suite, batch, spec.type, spec.kwargs, spec.severity, False,
                                      f"error: {type(err).__name__}: {message}", spec.description)
                    for spec in specs]
        by_index = {r.expectation_config.meta["index"]: r for r in validations}
        results = []
        for index, spec in enumerate(specs):
            r = by_index.get(index)
            if r is None:
                results.append(ExpectationResult(suite, batch, spec.type, spec.kwargs, spec.severity,
                                                 False, "not evaluated by GE", spec.description))
                continue
            results.append(ExpectationResult(suite, batch, spec.type, spec.kwargs, spec.severity,
                                             bool(r.success), _observed(r), spec.description))
        return results

    def _run_groups(self, name, groups, gx_batch, validations) -> None:
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        for number, group in enumerate(groups):
            gx_suite = self.gx.ExpectationSuite(name=f"{name}_{number}")
            for index, spec in group.values():
                gx_suite.add_expectation_configuration(ExpectationConfiguration(
                    type=spec.type, kwargs=dict(spec.kwargs), meta={"index": index}, severity=spec.severity))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                validations += gx_batch.validate(gx_suite, result_format="SUMMARY").results


def _fmt(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "null"
        return f"{value:.6g}"
    if hasattr(value, "item"):  # numpy scalar
        return _fmt(value.item())
    return str(value)


def _observed(r) -> str:
    info = r.exception_info or {}
    if info.get("raised_exception"):
        return f"error: {info.get('exception_message')}"
    result = r.result or {}
    if result.get("observed_value") is not None:
        return _fmt(result["observed_value"])
    if result.get("unexpected_count") is not None:
        text = (f"{result['unexpected_count']} unexpected of {result.get('element_count')} rows"
                f" ({_fmt(result.get('unexpected_percent') or 0.0)}%)")
        sample = result.get("partial_unexpected_list") or []
        if sample:
            text += "; e.g. " + ", ".join(_fmt(v) for v in sample[:5])
        missing = result.get("missing_count")
        if missing:
            text += f"; {missing} null (not judged)"
        return text
    return "-"


def _query_failure(suite: str, batch: str, error: Exception) -> ExpectationResult:
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return ExpectationResult(suite, batch, "query", {}, "critical", False, f"error: {message}")


def _relations(con) -> set[str]:
    rows = con.execute("""
        select table_schema || '.' || table_name from information_schema.tables
        where table_catalog = current_database()""").fetchall()
    return {r[0] for r in rows}


def _count(con, sql: str) -> int | None:
    try:
        return con.execute(sql).fetchone()[0]
    except duckdb.Error:
        return None


def _volume_frame(con, suite: Suite, month: date, served_database: Path | None):
    import pandas as pd

    relation = suite.relation
    if suite.volume.baseline == "previous_month":
        column = suite.month_column
        rows = _count(con, f"select count(*) from {relation} where {column} = {month_literal(month)}")
        baseline = _count(con, f"select count(*) from {relation} "
                               f"where {column} = {month_literal(previous_month(month))}")
        label = f"volume {month:%Y-%m} vs {previous_month(month):%Y-%m}"
    else:
        rows = _count(con, f"select count(*) from {relation}")
        baseline = None
        if served_database is not None and Path(served_database).exists():
            try:
                with duckdb.connect(str(served_database), read_only=True) as served:
                    baseline = _count(served, f"select count(*) from {relation}")
            except duckdb.Error:
                baseline = None
        label = "volume vs served"
    ratio = rows / baseline if rows is not None and baseline else None
    frame = pd.DataFrame({"rows": [rows], "baseline_rows": [baseline],
                          "ratio": [float("nan") if ratio is None else ratio]})
    return label, frame


def validate(database: Path, month: date, suites: list[Suite], *,
             served_database: Path | None = None, public_marts: list[str] = (),
             pii_key: str | None = None) -> QualityOutcome:
    """Validate `database` (opened read-only; no other process may write it now)."""
    outcome = QualityOutcome(month=month)
    validator = _Validator()
    with duckdb.connect(str(database), read_only=True) as con:
        if pii_key:  # staging views that pseudonymise read these (see subops/duckdb_pii.py)
            from subops.duckdb_pii import hmac_pads
            inner, outer = hmac_pads(pii_key)
            con.execute("set variable subops_pii_inner_pad = $1", [inner])
            con.execute("set variable subops_pii_outer_pad = $1", [outer])
        present = _relations(con)
        covered = {s.relation for s in suites if s.relation}
        outcome.marts_without_suite = sorted(m for m in public_marts if m not in covered)
        for suite in suites:
            if suite.relation and suite.relation not in present:
                outcome.skipped.append((suite.name, f"{suite.relation} is not in the build"))
                continue
            outcome.results += _validate_suite(con, validator, suite, month, served_database)
    return outcome


def _validate_suite(con, validator: _Validator, suite: Suite, month: date,
                    served_database: Path | None) -> list[ExpectationResult]:
    from subops.quality.suites import ExpectationSpec

    results: list[ExpectationResult] = []
    if suite.expectations:
        where = f" where {suite.month_column} = {month_literal(month)}" if suite.month_column else ""
        batch = f"rows {month:%Y-%m}" if suite.month_column else "rows"
        try:
            frame = con.execute(f"select * from {suite.relation}{where}").df()
        except duckdb.Error as err:
            results.append(_query_failure(suite.name, batch, err))
        else:
            results += validator.validate(frame, suite.expectations, suite.name, batch)
    if suite.volume:
        try:
            label, frame = _volume_frame(con, suite, month, served_database)
        except duckdb.Error as err:
            results.append(_query_failure(suite.name, "volume", err))
        else:
            spec = ExpectationSpec("expect_column_values_to_be_between",
                                   {"column": "ratio", "min_value": suite.volume.min_ratio,
                                    "max_value": suite.volume.max_ratio},
                                   suite.volume.severity, "rows against the baseline")
            [result] = validator.validate(frame, [spec], suite.name, label)
            rows, baseline = frame["rows"][0], frame["baseline_rows"][0]
            if baseline is None or (isinstance(baseline, float) and math.isnan(baseline)) or not baseline:
                result.observed = f"{_fmt(rows)} rows; no baseline yet (not judged)"
            else:
                result.observed = f"{_fmt(rows)} rows / {_fmt(baseline)} baseline = {_fmt(frame['ratio'][0])}"
            results.append(result)
    for check in suite.checks:
        results += _run_check(con, validator, suite, check, month)
    return results


def _run_check(con, validator, suite: Suite, check: Check, month: date) -> list[ExpectationResult]:
    batch = f"check {check.name}"
    try:
        frame = con.execute(render_sql(check.sql, suite, month)).df()
    except duckdb.Error as err:
        return [_query_failure(suite.name, batch, err)]
    results = validator.validate(frame, check.expectations, suite.name, batch)
    # Column-value expectations over a small check table show the values themselves.
    for r in results:
        column = r.arguments.get("column")
        if column not in frame.columns or r.observed.startswith("error") or len(frame) > 50:
            continue
        if check.label_column and check.label_column in frame.columns:
            values = ", ".join(f"{label}={_fmt(value)}" for label, value
                               in zip(frame[check.label_column], frame[column]))
        elif len(frame) == 1:
            values = _fmt(frame[column].iloc[0])
        else:
            continue
        r.observed = values + (" (null: not judged)" if frame[column].isna().any() else "")
    return results
