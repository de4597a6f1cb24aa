"""Expectation suites as YAML files in `quality/suites/`: one file per public mart.

The format is described in quality/README.md. In short: `relation` (the mart; the suite
is skipped while it is not built), optional `month_column` (validate only the run's
month), optional `volume` (rows against the previous month or the served copy, as a
ratio), `expectations` (GE expectations on the rows) and `checks` (SQL whose result is
validated). An expectation is a one-key mapping, GE expectation type -> arguments; two
extra keys are taken out of the arguments: `severity` (critical, the default, fails the
run; warning is reported only) and `description`. An argument written `{var: name}` is
the dbt project var `name` (dbt_project.yml `vars:`), so thresholds live in one place.
In SQL, `{month}` and `{previous_month}` are date literals of the run's month and the
month before, `{relation}` is the suite's relation. Every expectation is checked with GE
when the suite is loaded, so a bad suite stops a run before dbt starts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from subops.paths import PROJECT_DIR

SUITES_DIR = PROJECT_DIR / "quality" / "suites"
SEVERITIES = ("critical", "warning")


class SuiteError(ValueError):
    """A suite file that cannot be understood."""


@dataclass
class ExpectationSpec:
    type: str
    kwargs: dict
    severity: str = "critical"
    description: str | None = None


@dataclass
class Check:
    name: str
    sql: str
    expectations: list[ExpectationSpec]
    description: str | None = None
    label_column: str | None = None  # a multi-row check reports each row's value under this label


@dataclass
class Volume:
    baseline: str  # previous_month | served
    min_ratio: float
    max_ratio: float
    severity: str = "critical"


@dataclass
class Suite:
    name: str
    path: Path
    relation: str | None = None
    description: str | None = None
    month_column: str | None = None
    volume: Volume | None = None
    expectations: list[ExpectationSpec] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def schema(self) -> str | None:
        return self.relation.split(".", 1)[0] if self.relation else None

    @property
    def table(self) -> str | None:
        return self.relation.split(".", 1)[1] if self.relation else None


def _expectations(items, where: str, variables: dict) -> list[ExpectationSpec]:
    specs = []
    for item in items or []:
        if not isinstance(item, dict) or len(item) != 1:
            raise SuiteError(f"{where}: each expectation is a one-key mapping "
                             f"(expectation type: arguments), got {item!r}")
        [(kind, kwargs)] = item.items()
        if not str(kind).startswith("expect_"):
            raise SuiteError(f"{where}: {kind!r} is not a GE expectation type (expect_...)")
        kwargs = dict(kwargs or {})
        severity = kwargs.pop("severity", "critical")
        if severity not in SEVERITIES:
            raise SuiteError(f"{where}: severity must be one of {SEVERITIES}, got {severity!r}")
        description = kwargs.pop("description", None)
        spec = ExpectationSpec(kind, _resolve_vars(kwargs, where, variables), severity, description)
        _check_with_ge(spec, where)
        specs.append(spec)
    return specs


def _check_with_ge(spec: ExpectationSpec, where: str) -> None:
    """Let GE judge the type and arguments now, so a bad suite stops a run before dbt."""
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    try:
        ExpectationConfiguration(type=spec.type, kwargs=dict(spec.kwargs),
                                 severity=spec.severity).to_domain_obj()
    except Exception as err:  # GE raises pydantic and its own errors
        detail = " ".join(str(err).split())
        raise SuiteError(f"{where}: {spec.type}({spec.kwargs}) is not a valid expectation: {detail}") from err


def _resolve_vars(value, where: str, variables: dict):
    if isinstance(value, dict):
        if set(value) == {"var"}:
            name = value["var"]
            if name not in variables:
                raise SuiteError(f"{where}: dbt var {name!r} is not defined in dbt_project.yml")
            return variables[name]
        return {k: _resolve_vars(v, where, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_vars(v, where, variables) for v in value]
    return value


def load_suite(path: Path, variables: dict) -> Suite:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise SuiteError(f"{path.name}: not valid YAML: {err}") from err
    where = path.name
    unknown = set(data) - {"suite", "relation", "description", "month_column", "volume",
                           "expectations", "checks"}
    if unknown:
        raise SuiteError(f"{where}: unknown keys {sorted(unknown)}")
    relation = data.get("relation")
    if relation is not None and relation.count(".") != 1:
        raise SuiteError(f"{where}: relation must be schema.table, got {relation!r}")
    volume = None
    if data.get("volume"):
        v = data["volume"]
        if v.get("baseline") not in ("previous_month", "served"):
            raise SuiteError(f"{where}: volume.baseline must be previous_month or served")
        if v["baseline"] == "previous_month" and not data.get("month_column"):
            raise SuiteError(f"{where}: volume.baseline previous_month needs month_column")
        if not relation:
            raise SuiteError(f"{where}: volume needs a relation")
        volume = Volume(v["baseline"], float(_resolve_vars(v["min_ratio"], where, variables)),
                        float(_resolve_vars(v["max_ratio"], where, variables)),
                        v.get("severity", "critical"))
    if data.get("expectations") and not relation:
        raise SuiteError(f"{where}: expectations on rows need a relation (or use checks:)")
    checks = []
    for i, c in enumerate(data.get("checks") or []):
        if not c.get("name") or not c.get("sql"):
            raise SuiteError(f"{where}: check #{i + 1} needs a name and sql")
        checks.append(Check(c["name"], c["sql"],
                            _expectations(c.get("expectations"), f"{where} check {c['name']}", variables),
                            c.get("description"), c.get("label_column")))
    return Suite(
        name=data.get("suite") or path.stem,
        path=path,
        relation=relation,
        description=data.get("description"),
        month_column=data.get("month_column"),
        volume=volume,
        expectations=_expectations(data.get("expectations"), where, variables),
        checks=checks,
    )


def dbt_project_vars() -> dict:
    """The `vars:` of dbt_project.yml (thresholds shared by dbt tests and the suites)."""
    data = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text()) or {}
    return dict(data.get("vars") or {})


def load_suites(directory: Path = SUITES_DIR, variables: dict | None = None) -> list[Suite]:
    variables = {**dbt_project_vars(), **(variables or {})}
    return [load_suite(path, variables) for path in sorted(Path(directory).glob("*.yml"))]
