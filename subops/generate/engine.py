"""Runs the generation steps in one DuckDB session and writes the landing files and the manifest.

Steps: reference -> population -> states -> marketing -> complaints -> ids -> one step per month
(subscribers, usage_daily, bills, circles_monthly) -> event tables (product_orders, contacts,
complaints) -> truth and manifest. All randomness is hash(seed, key, salt), all writes are
`COPY (... ORDER BY ...)` into one file per partition, so equal arguments give equal bytes.
"""
from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
from tqdm import tqdm

from subops.paths import LANDING_TABLES, SEEDS_DIR

from . import GENERATOR_VERSION, activity, complaints, defects, marketing, population, reference, states
from .names import MSISDN_PREFIXES, sql_list
from .schema import COLUMNS, ORDER_BY, REASONS, select_list

MONTH_TABLES = ("subscribers", "usage_daily", "bills", "circles_monthly")
EVENT_TABLES = ("product_orders", "contacts", "complaints")
OWNED = tuple(LANDING_TABLES) + ("truth", "manifest.json")


@dataclass
class Params:
    subscribers: int
    months: int
    start_month: str  # YYYY-MM
    seed: int
    defect_rate: float
    out: Path
    memory_limit: str = "5GB"
    threads: int = 2
    progress: bool = True
    seeds_dir: Path = SEEDS_DIR


class OutOfMemory(Exception):
    """DuckDB ran out of the generator's memory_limit in one step."""

    def __init__(self, step: str):
        super().__init__(step)
        self.step = step


class Generator:
    def __init__(self, p: Params):
        self.p = p
        self.n = p.subscribers
        self.months = p.months
        self.seed = p.seed
        self.defect_rate = p.defect_rate
        y, mo = (int(x) for x in p.start_month.split("-"))
        self.start = date(y, mo, 1).isoformat()
        ny, nm0 = divmod(y * 12 + mo - 1 + p.months, 12)  # the first month after the window
        self.window_end = date.fromordinal(date(ny, nm0 + 1, 1).toordinal() - 1).isoformat()
        self.out = Path(p.out)
        self.total = 0
        self.carriers_used = 0
        self.rows: dict[str, int] = {t: 0 for t in LANDING_TABLES}
        self.files: dict[str, int] = {}
        self.defects: dict[str, dict[str, int]] = {t: {} for t in LANDING_TABLES}
        self.noise: dict[str, dict[str, int]] = {}
        self._products: dict[str, str | None] = {}
        self.planners = {t: defects.Planner(p.defect_rate, REASONS[t]) for t in LANDING_TABLES}
        self.con = None

    # ---- helpers -------------------------------------------------------------------------------
    def sql(self, text: str) -> None:
        self.con.execute(text)

    def campaign_product(self, code: str) -> str | None:
        if code not in self._products:
            camp = next(c for c in marketing.CAMPAIGNS if c.code == code)
            row = self.con.execute(camp.product_sql).fetchone()
            self._products[code] = row[0] if row else None
        return self._products[code]

    # ---- run -----------------------------------------------------------------------------------
    def run(self) -> dict:
        self.out.mkdir(parents=True, exist_ok=True)
        tmp = self.out / "_tmp"
        tmp.mkdir(exist_ok=True)
        self.con = duckdb.connect(":memory:", config={
            "threads": self.p.threads, "memory_limit": self.p.memory_limit,
            "preserve_insertion_order": True, "temp_directory": str(tmp),
        })
        month_rows = self.con.execute(f"""
            select strftime((date '{self.start}' + to_months(i))::date, '%Y-%m'),
                   strftime((date '{self.start}' + to_months(i))::date, '%y%m')
            from range({self.months}) t(i)
        """).fetchall()
        steps = [("reference", self._setup), ("population", lambda: population.build(self)),
                 ("states", lambda: states.build(self)), ("marketing", lambda: marketing.build(self)),
                 ("complaints", lambda: complaints.build(self)), ("ids", self._ids)]
        for m, (ym, yymm) in enumerate(month_rows):
            steps.append((f"month {ym}", lambda m=m, ym=ym, yymm=yymm: self._month(m, ym, yymm, month_rows[-1][0])))
        steps += [("events", lambda: self._events(month_rows)), ("future rows", self._future),
                  ("truth", self._truth)]
        bar = tqdm(total=len(steps), desc="generate", unit="step", file=sys.stderr, disable=not self.p.progress,
                   dynamic_ncols=True)
        try:
            for name, fn in steps:
                bar.set_postfix_str(name)
                try:
                    fn()
                except duckdb.OutOfMemoryException as exc:
                    raise OutOfMemory(name) from exc
                bar.update(1)
            manifest = self._manifest()
        finally:
            bar.close()
            self.con.close()
            shutil.rmtree(tmp, ignore_errors=True)
        return manifest

    # ---- steps ---------------------------------------------------------------------------------
    def _setup(self) -> None:
        s = self.seed
        self.sql(f"""
            create macro hh(a, b, c) as hash({s}, a, b, c);
            create macro uu(a, b, c) as ((hash({s}, a, b, c) % 1000003::ubigint)::double + 0.5) / 1000003.0;
            create macro nn(a, b, c) as sqrt(-2.0 * ln(uu(a, b, c))) * cos(2.0 * pi() * uu(a, b, c + 100000));
            create macro sl(h, i) as ((((h >> (16 * i)::ubigint) & 65535::ubigint)::double + 0.5) / 65536.0);
            create macro ihn(h) as (sl(h, 0) + sl(h, 1) + sl(h, 2) + sl(h, 3) - 2.0) * 1.7320508;
            create macro geo(u, p) as floor(ln(u) / ln(1.0 - p));
            create macro logistic(x) as 1.0 / (1.0 + exp(-(x)));
            create macro sub_id(x) as cast({population.KEY_BASE} + x * {population.KEY_STEP}
                                           + hash({s}, x, 4, 1) % {population.KEY_STEP} as varchar);
        """)
        reference.load(self.con, self.p.seeds_dir)
        population.months_and_days(self)

    def _plain_msisdn_macro(self) -> None:
        self.sql("set variable plain_tails = (select list(s order by i) from tail_plain)")
        n = f"((({'{r}'}) * 982451653 + {self.seed % 1000003} * 7919) % {self.msisdn_space})"
        n = n.replace("{r}", "r")
        k = self.k_plain
        self.sql(f"""
            create macro plain_msisdn(r) as
                {sql_list(MSISDN_PREFIXES)}[1 + ({n} % {len(MSISDN_PREFIXES)})::integer]
                || lpad(cast(({n} // {len(MSISDN_PREFIXES)}) // {k} as varchar), 4, '0')
                || getvariable('plain_tails')[1 + (({n} // {len(MSISDN_PREFIXES)}) % {k})::integer]
        """)

    def _ids(self) -> None:
        """Final event tables with their ids; month index m by the event's own timestamp."""
        self._plain_msisdn_macro()
        st = self.start
        self.sql(f"""
            create table ev_product_orders as
            select 'O' || strftime(o.order_at, '%y%m') || lpad(cast(row_number() over (
                        partition by date_trunc('month', o.order_at)
                        order by o.order_at, o.sid, o.product_id, o.action, o.effective_date, o.expire_date nulls first,
                                 o.channel_code, o.campaign_id nulls first) as varchar), 8, '0') as order_id,
                   s.subscriber_id, o.product_id, o.action, o.order_at, o.effective_date, o.expire_date, o.channel_code,
                   o.campaign_id, o.sid as _sid, 0::bigint as _tb,
                   date_diff('month', date '{st}', o.order_at::date) as m
            from orders_all o join sub s using (sid)
        """)
        self.sql(f"""
            create table ev_contacts as
            select 'C' || strftime(c.contact_at, '%y%m') || lpad(cast(row_number() over (
                        partition by date_trunc('month', c.contact_at)
                        order by c.contact_at, c.sid, c.channel_code, c.direction, c.campaign_id nulls first,
                                 c.product_id nulls first, c.outcome) as varchar), 8, '0') as contact_id,
                   s.subscriber_id, c.contact_at, c.channel_code, c.direction, c.campaign_id, c.product_id, c.outcome,
                   c.sid as _sid, 0::bigint as _tb,
                   date_diff('month', date '{st}', c.contact_at::date) as m
            from contacts_all c join sub s using (sid)
        """)
        self.sql(f"""
            create table ev_complaints as
            select 'T' || strftime(c.created_at, '%y%m') || lpad(cast(row_number() over (
                        partition by date_trunc('month', c.created_at)
                        order by c.created_at, c.sid, c.category, c.severity, c.channel_code, c.closed_at nulls first,
                                 c.is_resolved, c.satisfaction_score nulls first) as varchar), 7, '0') as ticket_id,
                   s.subscriber_id, c.created_at, c.category, c.severity, c.channel_code, c.closed_at, c.is_resolved,
                   c.satisfaction_score, c.sid as _sid, 0::bigint as _tb,
                   date_diff('month', date '{st}', c.created_at::date) as m
            from cmp_all c join sub s using (sid)
        """)
        # keep only what the monthly steps and the event files need
        for t in ("mk_raw", "cmp_raw", "p_open", "fam_cand", "fam_groups", "tails", "mx", "mk_contacts", "mk_orders",
                  "hold0", "hold1", "contacts_all", "cmp_all", "inbound", "orders_all", "nat_ev", "sub_core",
                  "sub_ident", "sub_prod", "p_attr", "tl_churn", "tl_close", "tl_events", "tl_contract", "tl_open",
                  "fam", "hflags", "joins_c", "camp_chan_cum"):
            self.sql(f"drop table if exists {t}")
        for t in LANDING_TABLES:
            cols = ", ".join(f"{c} {ty}" for c, ty in COLUMNS[t])
            self.sql(f"create table fut_{t} ({cols}, _sid bigint, _tb bigint, _reason varchar, _part varchar)")

    def _write(self, table: str, ym: str, last_ym: str, m: int, yymm: str) -> None:
        """Noise, defects, then one ordered file for the (table, month)."""
        noise = defects.apply_noise(self, table, m)
        for k, v in noise.items():
            self.noise.setdefault(table, {})
            self.noise[table][k] = self.noise[table].get(k, 0) + v
        n_clean = self.con.execute(f"select count(*) from w_{table}").fetchone()[0]
        alloc = self.planners[table].plan(n_clean, last=(ym == last_ym))
        defects.build(self, table, m, ym, yymm, alloc)
        for reason, n in self.con.execute("select _reason, count(*) from w_def group by 1 order by 1").fetchall():
            self.defects[table][reason] = self.defects[table].get(reason, 0) + n
            self.planners[table].record(reason, n)
        self.sql(f"insert into fut_{table} select * from w_def where _part <> '{ym}'")
        self._copy(table, f"month={ym}", f"""
            select * from w_{table}
            union all
            select * exclude (_reason, _part) from w_def where _part = '{ym}'
        """)

    def _copy(self, table: str, part: str, source: str) -> None:
        path = self.out / table / part / "part-0.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.sql(f"""
            copy (select {select_list(table)} from ({source}) order by {ORDER_BY[table]})
            to '{path.as_posix()}' (format parquet, compression zstd)
        """)
        n = self.con.execute(f"select count(*) from ({source})").fetchone()[0]
        rel = path.relative_to(self.out).as_posix()
        self.files[rel] = n
        self.rows[table] += n

    def _month(self, m: int, ym: str, yymm: str, last_ym: str) -> None:
        activity.snapshot(self, m)
        self._write("subscribers", ym, last_ym, m, yymm)
        activity.usage(self, m)
        self._write("usage_daily", ym, last_ym, m, yymm)
        activity.bills(self, m)
        self._write("bills", ym, last_ym, m, yymm)
        activity.circles(self, m)
        self._write("circles_monthly", ym, last_ym, m, yymm)
        self.sql("drop view if exists w_usage_daily")
        for t in ("w_usage_rows", "w_usage_pool", "w_usage_idle", "w_uagg", "w_bills", "w_circles_monthly",
                  "w_subscribers", "w_def"):
            self.sql(f"drop table if exists {t}")

    def _events(self, month_rows) -> None:
        last_ym = month_rows[-1][0]
        # opening holdings and plans ordered before the window
        self._copy("product_orders", "history",
                   f"select * exclude (m) from ev_product_orders where order_at < date '{self.start}'")
        for m, (ym, yymm) in enumerate(month_rows):
            for t in EVENT_TABLES:
                self.sql(f"create or replace temp table w_{t} as select * exclude (m) from ev_{t} where m = {m}")
                self._write(t, ym, last_ym, m, yymm)
                self.sql(f"drop table w_{t}")

    def _future(self) -> None:
        for t in LANDING_TABLES:
            parts = [r[0] for r in self.con.execute(f"select distinct _part from fut_{t} order by 1").fetchall()]
            for part in parts:
                self._copy(t, f"month={part}", f"select * exclude (_reason, _part) from fut_{t} where _part = '{part}'")

    def _truth(self) -> None:
        path = self.out / "truth" / "churners.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.sql(f"""
            copy (select t.subscriber_id, mo.ms as churn_month, t.churn_cause as cause
                  from tl t join months mo on mo.m = t.churn_m
                  order by churn_month, subscriber_id)
            to '{path.as_posix()}' (format parquet, compression zstd)
        """)

    # ---- manifest ------------------------------------------------------------------------------
    def _manifest(self) -> dict:
        q = self.con.execute
        months = [r[0] for r in q("select ym from months order by m").fetchall()]
        by_month = {}
        for m, ym in enumerate(months):
            base = q(f"select count(*) from sm where m = {m} and sid in (select sid from tl where open_date < "
                     f"(select ms from months where m = {m}))").fetchone()[0]
            churners = q(f"select count(*) from tl where churn_m = {m}").fetchone()[0]
            by_month[ym] = {
                "base_at_start": base,
                "joiners": q(f"select count(*) from tl where join_m = {m}").fetchone()[0],
                "churners": churners,
                "churn_rate": round(churners / base, 5) if base else None,
                "winbacks": q(f"select count(*) from tl where winback_m = {m}").fetchone()[0],
                "suspensions_started": q(f"""select count(*) from tl t join months mo on mo.m = {m}
                                            where t.susp_from between mo.ms and mo.me""").fetchone()[0],
            }
        by_cause = dict(q("select churn_cause, count(*) from tl where churn_m is not null group by 1 order by 1")
                        .fetchall())
        by_reason = dict(q("select close_reason, count(*) from tl where churn_m is not null group by 1 order by 1")
                         .fetchall())
        churn = {
            "churners": sum(v["churners"] for v in by_month.values()),
            "by_month": by_month,
            "by_cause": by_cause,
            "by_close_reason": by_reason,
            "winbacks": q("select count(*) from tl where winback_m is not null").fetchone()[0],
            "suspensions": {
                "episodes": q("select count(*) from tl where susp_kind = 'episode'").fetchone()[0],
                "before_non_payment_closure": q("select count(*) from tl where susp_kind = 'prechurn'").fetchone()[0],
            },
            "false_alarm_trails": q("select count(*) from tl where churn_m is null and trail_cause is not null")
            .fetchone()[0],
        }
        manifest = {
            "generator": "subops.generate",
            "generator_version": GENERATOR_VERSION,
            "contract": "v1",
            "parameters": {
                "subscribers": self.n, "months": self.months, "start_month": self.p.start_month,
                "seed": self.seed, "defect_rate": self.defect_rate,
            },
            "window": {"first_month": months[0], "last_month": months[-1], "last_day": self.window_end},
            "subscribers_total": self.total,
            "row_counts": {t: self.rows[t] for t in LANDING_TABLES},
            "defects": {t: dict(sorted(self.defects[t].items())) for t in LANDING_TABLES},
            "noise": {t: dict(sorted(v.items())) for t, v in sorted(self.noise.items())},
            "churn": churn,
            "files": dict(sorted(self.files.items())),
        }
        (self.out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
        return manifest
