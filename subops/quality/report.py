"""The quality report of a run: one self-contained HTML file (inline CSS, no scripts, no
external URLs), readable offline. GE's Data Docs load CSS and JS from public CDNs, which
this network cannot reach, so they are not used.
"""
from __future__ import annotations

import html
import os
from pathlib import Path

from subops.quality.runner import QualityOutcome

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif;
       margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #1d2330; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin-top: 1.8em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; }
th, td { border: 1px solid #d5d9e0; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f2f4f7; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px/1.3 ui-monospace, Menlo, Consolas, monospace; word-break: break-word; }
.badge { display: inline-block; padding: .1em .55em; border-radius: .8em; font-weight: 600;
         font-size: .85em; color: #fff; }
.pass { background: #2e7d32; } .fail { background: #c62828; } .warn { background: #ef8f00; }
.skip { background: #78838f; }
tr.fail td { background: #fdecec; } tr.warn td { background: #fff5e0; }
.summary td:first-child { width: 14em; font-weight: 600; }
.muted { color: #5d6673; }
"""

_OUTCOME_BADGE = {"published": "pass", "ok": "pass"}


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _badge(kind: str, text: str | None = None) -> str:
    return f'<span class="badge {kind}">{_e(text or kind.upper())}</span>'


def _table(headers: list[str], rows: list[list[str]], row_classes: list[str] | None = None,
           numeric: set[int] = frozenset()) -> str:
    out = ["<table><thead><tr>", *[f"<th>{_e(h)}</th>" for h in headers], "</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        cells = "".join(f'<td class="num">{c}</td>' if j in numeric else f"<td>{c}</td>"
                        for j, c in enumerate(row))
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render(run: dict, quality: QualityOutcome | None, dbt_results: list[dict]) -> str:
    outcome = run.get("outcome", "?")
    badge = _badge(_OUTCOME_BADGE.get(outcome, "fail"), outcome)
    parts = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>subops run {_e(run.get('run_id'))}: {_e(outcome)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>subops run {_e(run.get('run_id'))} {badge}</h1>",
        f"<p class=\"muted\">Quality report of one monthly run: dbt models and tests, then the "
        f"Great Expectations suites in <code>quality/suites/</code>. Self-contained file.</p>",
    ]
    summary = [
        ("Month", run.get("month")), ("Outcome", f"{outcome} (exit code {run.get('exit_code')})"),
        ("Message", run.get("message")), ("Started (UTC)", run.get("started_at")),
        ("Ended (UTC)", run.get("ended_at")), ("Landing", run.get("landing_dir")),
        ("Full refresh", run.get("full_refresh")),
    ]
    dbt_counts = run.get("dbt_counts") or {}
    if dbt_counts:
        summary.append(("dbt", ", ".join(f"{k}: {v}" for k, v in sorted(dbt_counts.items()))))
    if quality is not None:
        summary.append(("Expectations", f"{quality.passed} passed, {len(quality.failures)} failed, "
                                        f"{len(quality.warnings)} warnings"))
    for key, value in (run.get("outputs") or {}).items():
        summary.append((f"Output: {key}", value))
    parts.append('<table class="summary"><tbody>' + "".join(
        f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in summary if v not in (None, "")
    ) + "</tbody></table>")

    failed = run.get("failed_checks") or []
    if failed:
        parts.append("<h2>What failed</h2><ul>" + "".join(f"<li><code>{_e(f)}</code></li>" for f in failed)
                     + "</ul>")

    row_counts = run.get("row_counts") or {}
    if row_counts:
        parts.append("<h2>Rows per public mart</h2>")
        rows = [[f"<code>{_e(name)}</code>", _e(f"{c.get('rows', 0):,}"),
                 _e("" if c.get("month_rows") is None else f"{c['month_rows']:,}")]
                for name, c in sorted(row_counts.items())]
        parts.append(_table(["mart", "rows", f"rows in {run.get('month')}"], rows, numeric={1, 2}))

    if quality is not None:
        parts.append("<h2>Expectations</h2>")
        rows, classes = [], []
        for r in quality.results:
            kind = "pass" if r.success else ("fail" if r.severity == "critical" else "warn")
            args = ", ".join(f"{k}={v}" for k, v in r.arguments.items())
            rows.append([_e(r.suite), _e(r.batch),
                         f"<code>{_e(r.expectation)}</code><br><span class=\"muted\">{_e(args)}</span>"
                         + (f"<br>{_e(r.description)}" if r.description else ""),
                         _e(r.severity), _badge(kind), _e(r.observed)])
            classes.append("" if r.success else kind)
        parts.append(_table(["suite", "batch", "expectation", "severity", "result", "observed"], rows, classes))
        if quality.skipped:
            parts.append("<p><b>Suites skipped</b> (their mart is not built yet): "
                         + ", ".join(f"{_e(n)} ({_e(why)})" for n, why in quality.skipped) + "</p>")
        if quality.marts_without_suite:
            parts.append("<p><b>Public marts without a suite:</b> "
                         + ", ".join(f"<code>{_e(m)}</code>" for m in quality.marts_without_suite) + "</p>")

    if dbt_results:
        parts.append("<h2>dbt nodes</h2>")
        order = {"error": 0, "fail": 1, "runtime error": 1, "warn": 2}
        ordered = sorted(dbt_results, key=lambda r: (order.get(r["status"], 3), r["unique_id"]))
        rows, classes = [], []
        for r in ordered:
            status = r["status"]
            kind = {"success": "pass", "pass": "pass", "warn": "warn", "skipped": "skip"}.get(status, "fail")
            rows.append([f"<code>{_e(r['unique_id'])}</code>", _badge(kind, status),
                         _e(r.get("failures") if r.get("failures") is not None else ""),
                         _e(r.get("message") or ""), _e(f"{r.get('execution_time', 0):.1f}s")])
            classes.append({"fail": "fail", "warn": "warn"}.get(kind, ""))
        parts.append(_table(["node", "status", "failures", "message", "time"], rows, classes, numeric={2, 4}))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(reports_dir: Path, run: dict, quality: QualityOutcome | None,
                 dbt_results: list[dict]) -> Path:
    """Write reports/<run_id>.html and replace reports/latest.html atomically."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    text = render(run, quality, dbt_results)
    path = reports_dir / f"{run['run_id']}.html"
    path.write_text(text, encoding="utf-8")
    tmp = reports_dir / f".latest.{os.getpid()}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, reports_dir / "latest.html")
    return path
