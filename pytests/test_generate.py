"""Tests of `subops generate`: determinism, layout, manifest, clean-data rules, defect counts, realism.

Four small runs (2000 subscribers x 4 months) are shared by the whole module.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from subops.cli import main
from subops.generate.names import AREA_TO_DIVISION
from subops.generate.schema import CODES, COLUMNS, REASONS
from subops.paths import LANDING_TABLES, SEEDS_DIR

ARGS = ["--subscribers", "2000", "--months", "4", "--start-month", "2025-01"]
MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04"]
WINDOW_END = "2025-04-30"
MSISDN_RE = r"^1(3[4-9]|47|5[0-2]|5[7-9]|78|8[2-4]|8[78]|98)[0-9]{8}$"


def _generate(out: Path, seed: int, rate: float) -> Path:
    rc = main(["generate", *ARGS, "--seed", str(seed), "--defect-rate", str(rate), "--out", str(out), "--no-progress"])
    assert rc == 0
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("gen")
    return {
        "a": _generate(base / "a", 7, 0.0),
        "a2": _generate(base / "a2", 7, 0.0),
        "b": _generate(base / "b", 8, 0.0),
        "d": _generate(base / "d", 7, 0.02),
    }


def _con(d: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for t in LANDING_TABLES:
        con.execute(f"create view {t} as select * from read_parquet('{d.as_posix()}/{t}/**/*.parquet', "
                    f"hive_partitioning = false, union_by_name = true)")
    ref = (SEEDS_DIR / "reference").as_posix()
    con.execute(f"create view products as select * from read_csv('{ref}/products.csv', all_varchar = true)")
    con.execute(f"create view channels as select * from read_csv('{ref}/channels.csv', all_varchar = true)")
    con.execute(f"create view regions as select * from read_csv('{ref}/regions.csv', all_varchar = true)")
    return con


def _files(d: Path) -> dict[str, str]:
    return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file()}


def _one(con, sql):
    return con.execute(sql).fetchone()[0]


def _q(sql):
    """Run one query on a fresh in-memory connection."""
    with duckdb.connect() as con:
        return _Rows(con.execute(sql).fetchall())


class _Rows(list):
    def fetchone(self):
        return self[0]


# ---- determinism and layout ---------------------------------------------------------------------

def test_same_arguments_give_identical_bytes(runs):
    a, a2 = _files(runs["a"]), _files(runs["a2"])
    assert a.keys() == a2.keys()
    different = [k for k in a if a[k] != a2[k]]
    assert not different, f"files differ between identical runs: {different[:5]}"


def test_different_seed_gives_different_data(runs):
    a, b = _files(runs["a"]), _files(runs["b"])
    common = [k for k in a if k in b and k.endswith(".parquet")]
    assert common and all(a[k] != b[k] for k in common)
    ca, cb = _con(runs["a"]), _con(runs["b"])
    ids_a = {r[0] for r in ca.execute("select msisdn from subscribers").fetchall()}
    ids_b = {r[0] for r in cb.execute("select msisdn from subscribers").fetchall()}
    assert len(ids_a & ids_b) < 0.05 * len(ids_a)


def test_layout_and_manifest(runs):
    d = runs["d"]
    for t in LANDING_TABLES:
        for ym in MONTHS:
            assert (d / t / f"month={ym}" / "part-0.parquet").is_file(), (t, ym)
    assert (d / "product_orders" / "history" / "part-0.parquet").is_file()
    assert (d / "truth" / "churners.parquet").is_file()
    man = json.loads((d / "manifest.json").read_text())
    assert man["parameters"] == {"subscribers": 2000, "months": 4, "start_month": "2025-01", "seed": 7,
                                 "defect_rate": 0.02}
    assert man["generator_version"]
    assert set(man["row_counts"]) == set(LANDING_TABLES)
    assert set(man["churn"]["by_month"]) == set(MONTHS)
    truth = _q(f"select count(*), count(distinct subscriber_id) from "
                       f"read_parquet('{(d / 'truth' / 'churners.parquet').as_posix()}')").fetchone()
    assert truth[0] == truth[1] == man["churn"]["churners"] > 0
    # history holds only orders before the window
    late = _q(f"select count(*) from read_parquet('{(d / 'product_orders/history/part-0.parquet').as_posix()}')"
                      f" where order_at >= timestamp '2025-01-01'").fetchone()[0]
    assert late == 0


@pytest.mark.parametrize("run", ["a", "d"])
def test_manifest_row_counts_match_files(runs, run):
    d = runs[run]
    man = json.loads((d / "manifest.json").read_text())
    for t in LANDING_TABLES:
        files = sorted((d / t).rglob("*.parquet"))
        n = sum(_q(f"select count(*) from read_parquet('{f.as_posix()}')").fetchone()[0] for f in files)
        assert n == man["row_counts"][t], t
        assert n > 0
    for rel, n in man["files"].items():
        assert _q(f"select count(*) from read_parquet('{(d / rel).as_posix()}')").fetchone()[0] == n, rel


def test_column_types_follow_the_contract(runs):
    con = _con(runs["d"])
    for t, cols in COLUMNS.items():
        got = [(r[0], r[1]) for r in con.execute(f"describe {t}").fetchall()]
        assert got == cols, t


# ---- clean data (defect rate 0) -------------------------------------------------------------------

def test_clean_keys_unique_and_present(runs):
    con = _con(runs["a"])
    keys = {
        "subscribers": "subscriber_id, snapshot_month", "bills": "subscriber_id, bill_month",
        "usage_daily": "subscriber_id, usage_date", "circles_monthly": "subscriber_id, month",
        "product_orders": "order_id", "contacts": "contact_id", "complaints": "ticket_id",
    }
    for t, k in keys.items():
        n, nd = con.execute(f"select count(*), count(distinct ({k})) from {t}").fetchone()
        assert n == nd, t
        assert _one(con, f"select count(*) from {t} where subscriber_id is null") == 0, t
        if t in ("product_orders", "contacts", "complaints"):
            assert _one(con, f"select count(*) from {t} where {k} is null") == 0
        if t != "subscribers":
            assert _one(con, f"select count(*) from {t} where subscriber_id not in "
                             f"(select subscriber_id from subscribers)") == 0, t
    # one msisdn per subscriber and no number shared by two subscribers
    assert _one(con, "select count(*) from (select subscriber_id from subscribers group by 1 "
                     "having count(distinct msisdn) > 1)") == 0
    assert _one(con, "select count(*) from (select msisdn from subscribers group by 1 "
                     "having count(distinct subscriber_id) > 1)") == 0


def test_clean_codes_in_lists(runs):
    con = _con(runs["a"])

    def bad(table, col, allowed_sql, nullable=False):
        null_ok = f"{col} is null or " if nullable else ""
        return _one(con, f"select count(*) from {table} where not ({null_ok}{col} in ({allowed_sql}))")

    def lit(key):
        return ", ".join(f"'{v}'" for v in CODES[key])

    checks = [
        ("subscribers", "gender", lit("gender"), False), ("subscribers", "status", lit("status"), False),
        ("subscribers", "close_reason", lit("close_reason"), True),
        ("subscribers", "customer_type", lit("customer_type"), False),
        ("subscribers", "risk_flag", lit("risk_flag"), False),
        ("subscribers", "plan_id", "select product_id from products where product_type in ('plan', 'converged')", False),
        ("subscribers", "region_code", "select region_code from regions", False),
        ("subscribers", "acquisition_channel", "select channel_code from channels where is_sales = 'true'", False),
        ("product_orders", "product_id", "select product_id from products", False),
        ("product_orders", "action", lit("action"), False),
        ("product_orders", "channel_code", "select channel_code from channels where is_sales = 'true'", False),
        ("contacts", "channel_code", "select channel_code from channels", False),
        ("contacts", "direction", lit("direction"), False), ("contacts", "outcome", lit("outcome"), False),
        ("contacts", "product_id", "select product_id from products", True),
        ("complaints", "category", lit("category"), False), ("complaints", "severity", lit("severity"), False),
        ("complaints", "channel_code", "select channel_code from channels where is_service = 'true'", False),
    ]
    for table, col, allowed, nullable in checks:
        assert bad(table, col, allowed, nullable) == 0, (table, col)
    assert _one(con, "select count(*) from subscribers where (status = 'closed') <> (close_reason is not null)") == 0
    assert _one(con, "select count(*) from complaints where satisfaction_score not between 1 and 5") == 0
    assert _one(con, "select count(*) from complaints where closed_at < created_at") == 0
    assert _one(con, "select count(*) from contacts where direction = 'outbound' and campaign_id is null") == 0
    assert _one(con, "select count(*) from contacts where campaign_id is not null and "
                     "not regexp_matches(campaign_id, '^H[0-9A-Z]{2}[0-9]{4}$')") == 0


def test_clean_identity_fields(runs):
    con = _con(runs["a"])
    assert _one(con, f"select count(*) from subscribers where not regexp_matches(msisdn, '{MSISDN_RE}')") == 0
    assert _one(con, "select count(*) from subscribers where not regexp_matches(subscriber_id, '^1[0-9]{10}$')") == 0
    # cert_id: region prefix of the city, birth date, ISO 7064 check character
    rows = con.execute("select distinct cert_id, region_code, birth_date, gender from subscribers").fetchall()
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    for cert, region, birth, gender in rows:
        assert len(cert) == 18 and cert[:17].isdigit(), cert
        assert cert[:4] == AREA_TO_DIVISION[region], (cert, region)
        assert cert[6:14] == birth.strftime("%Y%m%d"), (cert, birth)
        assert "10X98765432"[sum(int(c) * w for c, w in zip(cert[:17], weights)) % 11] == cert[17], cert
        if gender in ("M", "F"):
            assert int(cert[16]) % 2 == (1 if gender == "M" else 0), (cert, gender)
    # premium numbers are exactly the ones with a "nice" tail
    nice = """(d[1] = d[2] and d[2] = d[3] and d[3] = d[4])
           or (d[2] = d[1] + 1 and d[3] = d[2] + 1 and d[4] = d[3] + 1)
           or (d[2] = d[1] - 1 and d[3] = d[2] - 1 and d[4] = d[3] - 1)
           or (d[1] = d[2] and d[3] = d[4] and d[1] <> d[3]) or (d[1] = d[3] and d[2] = d[4] and d[1] <> d[2])
           or (d[2] = d[3] and d[3] = d[4] and d[1] <> d[2])"""
    mismatch = _one(con, f"""
        with t as (select is_premium_number, list_transform(string_split(right(msisdn, 4), ''), lambda x: x::int) as d
                   from subscribers)
        select count(*) from t where is_premium_number <> ({nice})""")
    assert mismatch == 0
    share = _one(con, "select avg(is_premium_number::int) from subscribers")
    assert 0.01 < share < 0.035


def test_clean_fees_and_measures(runs):
    con = _con(runs["a"])
    fees = ["total_fee", "plan_fee", "voice_fee", "data_fee", "sms_fee", "vas_fee", "roaming_fee", "discount_fee",
            "paid_fee", "arrears_fee"]
    assert _one(con, "select count(*) from bills where " + " or ".join(f"{f} < 0" for f in fees)) == 0
    assert _one(con, "select count(*) from bills where total_fee <> plan_fee + voice_fee + data_fee + sms_fee "
                     "+ vas_fee + roaming_fee - discount_fee") == 0
    assert _one(con, "select count(*) from bills where paid_fee + arrears_fee <> total_fee") == 0
    measures = ["voice_out_minutes", "voice_in_minutes", "voice_calls", "sms_count", "data_mb", "data_5g_mb",
                "vas_events", "roaming_minutes", "dropped_calls"]
    assert _one(con, "select count(*) from usage_daily where " + " or ".join(f"{m} < 0" for m in measures)) == 0
    assert _one(con, "select count(*) from usage_daily where data_5g_mb > data_mb") == 0
    assert _one(con, "select count(*) from usage_daily where round(data_mb, 1) <> data_mb") == 0
    # 5G traffic only with a 5G handset on a 5G plan (month-end state of that month)
    assert _one(con, """
        select count(*) from usage_daily u
        join subscribers s on s.subscriber_id = u.subscriber_id and s.snapshot_month = date_trunc('month', u.usage_date)
        join products p on p.product_id = s.plan_id
        where u.data_5g_mb > 0 and not (s.device_5g_capable and p.network = '5g')
          and not exists (select 1 from product_orders o where o.subscriber_id = u.subscriber_id
                          and o.action = 'change_plan' and date_trunc('month', o.order_at) = s.snapshot_month)
    """) == 0
    assert _one(con, "select count(*) from circles_monthly where circle_size <> on_net_contacts + off_net_contacts "
                     "or on_net_contacts < 0 or off_net_contacts < 0") == 0


def test_clean_dates_in_window(runs):
    con = _con(runs["a"])
    end = f"date '{WINDOW_END}'"
    checks = {
        "subscribers": ["snapshot_month", "birth_date", "open_date", "status_date"],
        "bills": ["bill_month"], "usage_daily": ["usage_date"], "circles_monthly": ["month"],
        "product_orders": ["order_at", "effective_date"], "contacts": ["contact_at"],
        "complaints": ["created_at", "closed_at"],
    }
    for t, cols in checks.items():
        for c in cols:
            assert _one(con, f"select count(*) from {t} where {c}::date > {end}") == 0, (t, c)
    for t, c in (("subscribers", "snapshot_month"), ("bills", "bill_month"), ("circles_monthly", "month")):
        assert _one(con, f"select count(*) from {t} where {c} <> date_trunc('month', {c})") == 0
    assert _one(con, "select count(*) from subscribers where open_date > snapshot_month + interval 1 month") == 0
    assert _one(con, "select count(*) from subscribers where birth_date + interval 16 year > open_date + 400") == 0


def test_no_activity_after_closure(runs):
    con = _con(runs["a"])
    # closed in its churn month, absent afterwards unless won back
    closed = con.execute("select subscriber_id, snapshot_month, status_date from subscribers "
                         "where status = 'closed'").fetchall()
    assert closed
    assert _one(con, """
        select count(*) from usage_daily u join subscribers c on c.subscriber_id = u.subscriber_id and c.status = 'closed'
        where u.usage_date >= c.status_date
          and not exists (select 1 from subscribers w where w.subscriber_id = c.subscriber_id
                          and w.snapshot_month > c.snapshot_month and w.status_date <= u.usage_date)
    """) == 0
    assert _one(con, """
        select count(*) from bills b join subscribers c on c.subscriber_id = b.subscriber_id and c.status = 'closed'
        where b.bill_month > c.snapshot_month
          and not exists (select 1 from subscribers w where w.subscriber_id = b.subscriber_id
                          and w.snapshot_month = b.bill_month)
    """) == 0
    # every bill belongs to a snapshot row of the same month
    assert _one(con, "select count(*) from bills b anti join subscribers s on s.subscriber_id = b.subscriber_id "
                     "and s.snapshot_month = b.bill_month") == 0


# ---- defects ----------------------------------------------------------------------------------------

def _recount(con) -> dict[str, dict[str, int]]:
    """Classify every row by the contract rules; returns {table: {reason: n}} (nonzero only)."""
    end = f"date '{WINDOW_END}'"
    sales = "select channel_code from channels where is_sales = 'true'"
    norm_msisdn = "regexp_replace(regexp_replace(msisdn, '^\\+86', ''), '[ -]', '', 'g')"

    def lit(key):
        return ", ".join(f"'{v}'" for v in CODES[key])

    rules = {
        "subscribers": {
            "null_key": "subscriber_id is null",
            "unknown_code": f"""upper(trim(gender)) not in ({lit('gender')}) or lower(trim(status)) not in ({lit('status')})
                or (close_reason is not null and close_reason not in ({lit('close_reason')}))
                or plan_id not in (select product_id from products where product_type in ('plan', 'converged'))
                or customer_type not in ({lit('customer_type')}) or region_code not in (select region_code from regions)
                or acquisition_channel not in ({sales}) or risk_flag not in ({lit('risk_flag')})""",
            "malformed_msisdn": f"not regexp_matches({norm_msisdn}, '^1[3-9][0-9]{{9}}$')",
            "future_date": f"open_date > {end}",
        },
        "bills": {
            "null_key": "subscriber_id is null",
            "negative_amount": "least(total_fee, plan_fee, voice_fee, data_fee, sms_fee, vas_fee, roaming_fee, "
                               "discount_fee, paid_fee, arrears_fee) < 0",
            "fee_mismatch": "least(total_fee, plan_fee, voice_fee, data_fee, sms_fee, vas_fee, roaming_fee, "
                            "discount_fee, paid_fee, arrears_fee) >= 0 and (total_fee <> plan_fee + voice_fee + data_fee"
                            " + sms_fee + vas_fee + roaming_fee - discount_fee or paid_fee + arrears_fee <> total_fee)",
            "future_date": f"bill_month > {end}",
        },
        "usage_daily": {
            "null_key": "subscriber_id is null",
            "negative_amount": "least(voice_out_minutes, voice_in_minutes, voice_calls, sms_count, data_mb, data_5g_mb, "
                               "vas_events, roaming_minutes, dropped_calls) < 0",
            "future_date": f"usage_date > {end}",
        },
        "circles_monthly": {
            "null_key": "subscriber_id is null",
            "negative_amount": "least(circle_size, on_net_contacts, off_net_contacts) < 0",
        },
        "product_orders": {
            "null_key": "subscriber_id is null or order_id is null",
            "unknown_code": f"""product_id not in (select product_id from products) or action not in ({lit('action')})
                or channel_code not in ({sales})""",
            "future_date": f"order_at::date > {end}",
        },
        "contacts": {
            "null_key": "subscriber_id is null or contact_id is null",
            "unknown_code": f"""lower(trim(channel_code)) not in (select channel_code from channels)
                or direction not in ({lit('direction')}) or outcome not in ({lit('outcome')})
                or (product_id is not null and product_id not in (select product_id from products))""",
            "future_date": f"contact_at::date > {end}",
        },
        "complaints": {
            "null_key": "subscriber_id is null or ticket_id is null",
            "unknown_code": f"""category not in ({lit('category')}) or severity not in ({lit('severity')})
                or channel_code not in (select channel_code from channels where is_service = 'true')""",
            "future_date": f"created_at::date > {end}",
        },
    }
    con.execute("create or replace temp table known as select distinct subscriber_id from subscribers "
                "where subscriber_id is not null")
    out = {}
    for t in LANDING_TABLES:
        r = dict(rules[t])
        if t != "subscribers":
            r["orphan_subscriber"] = "subscriber_id is not null and subscriber_id not in (select subscriber_id from known)"
        con.execute(f"create or replace temp table d as select distinct * from {t}")
        counts = {"duplicate_key": _one(con, f"select count(*) from {t}") - _one(con, "select count(*) from d")}
        flags = ", ".join(f"coalesce(({cond}), false)::int as \"{name}\"" for name, cond in r.items())
        con.execute(f"create or replace temp table f as select {flags} from d")
        multi = _one(con, "select count(*) from f where " + " + ".join(f'"{n}"' for n in r) + " > 1")
        assert multi == 0, f"{t}: {multi} rows break more than one rule"
        for name in r:
            counts[name] = _one(con, f'select sum("{name}") from f') or 0
        out[t] = {k: v for k, v in counts.items() if v}
    return out


def test_no_defects_at_rate_zero(runs):
    con = _con(runs["a"])
    assert _recount(con) == {t: {} for t in LANDING_TABLES}
    man = json.loads((runs["a"] / "manifest.json").read_text())
    assert all(not v for v in man["defects"].values())
    assert not man["noise"]


def test_defect_counts_match_manifest(runs):
    d = runs["d"]
    man = json.loads((d / "manifest.json").read_text())
    got = _recount(_con(d))
    want = {t: {k: v for k, v in man["defects"][t].items() if v} for t in LANDING_TABLES}
    assert got == want
    for t in LANDING_TABLES:
        assert set(want[t]) == set(REASONS[t]), t  # every reason the table can carry is present
        total = sum(want[t].values())
        clean = man["row_counts"][t] - man["files"].get(f"{t}/history/part-0.parquet", 0) - total
        # about R x clean rows, at least one row of each reason
        assert abs(total - max(0.02 * clean, len(REASONS[t]))) <= max(2, 0.1 * total), (t, total, clean)
    assert sum(man["noise"].get("subscribers", {}).values()) > 0


def test_defects_do_not_disturb_clean_rows(runs):
    """The clean run's rows all appear in the defective run (same seed); the rest are the injected defects."""
    man = json.loads((runs["d"] / "manifest.json").read_text())
    con = duckdb.connect()
    for t in ("bills", "usage_daily", "circles_monthly", "product_orders", "complaints"):
        a = f"read_parquet('{runs['a'].as_posix()}/{t}/**/*.parquet', hive_partitioning = false)"
        d = f"read_parquet('{runs['d'].as_posix()}/{t}/**/*.parquet', hive_partitioning = false)"
        assert _one(con, f"select count(*) from (select * from {a} except all select * from {d})") == 0, t
        extra = _one(con, f"select count(*) from (select * from {d} except all select * from {a})")
        assert extra == sum(man["defects"][t].values()) > 0, t


# ---- realism ----------------------------------------------------------------------------------------

def test_churn_joiners_and_status(runs):
    con = _con(runs["a"])
    rows = con.execute("""
        select snapshot_month,
               count(*) filter (where open_date < snapshot_month) as at_start,
               count(*) filter (where status = 'closed') as churned,
               count(*) filter (where open_date >= snapshot_month) as joiners
        from subscribers group by 1 order by 1
    """).fetchall()
    assert [r[0].strftime("%Y-%m") for r in rows] == MONTHS
    for month, at_start, churned, joiners in rows:
        assert 0.01 <= churned / at_start <= 0.035, (month, churned, at_start)
        assert 0.01 <= joiners / at_start <= 0.035, (month, joiners, at_start)
    assert _one(con, "select count(*) from subscribers where status = 'suspended'") > 0
    reasons = dict(con.execute("select close_reason, count(*) from subscribers where status = 'closed' "
                               "group by 1").fetchall())
    assert reasons.get("port_out", 0) + reasons.get("voluntary", 0) > 0.6 * sum(reasons.values())
    assert reasons.get("non_payment", 0) > 0
    # churners in the truth file are closed in their churn month
    truth = (runs["a"] / "truth" / "churners.parquet").as_posix()
    assert _one(con, f"""select count(*) from read_parquet('{truth}') t anti join subscribers s
                         on s.subscriber_id = t.subscriber_id and s.snapshot_month = t.churn_month
                         and s.status = 'closed'""") == 0


def test_5g_devices_ahead_of_5g_plans(runs):
    con = _con(runs["a"])
    dev, plan = con.execute("""
        select avg(device_5g_capable::int), avg((p.network = '5g')::int)
        from subscribers s join products p on p.product_id = s.plan_id where snapshot_month = date '2025-01-01'
    """).fetchone()
    assert 0.5 < dev < 0.7 and 0.2 < plan < 0.4
    assert dev > plan + 0.15


def test_weekday_weekend_rhythm(runs):
    con = _con(runs["a"])
    wd_voice, we_voice, wd_data, we_data = con.execute("""
        select avg(voice_out_minutes) filter (where isodow(usage_date) <= 5),
               avg(voice_out_minutes) filter (where isodow(usage_date) >= 6),
               avg(data_mb) filter (where isodow(usage_date) <= 5),
               avg(data_mb) filter (where isodow(usage_date) >= 6)
        from usage_daily
    """).fetchone()
    assert wd_voice > 1.2 * we_voice
    assert we_data > 1.1 * wd_data


def test_revenue_long_tail_and_mix(runs):
    con = _con(runs["a"])
    top = _one(con, """
        with b as (select total_fee, ntile(10) over (order by total_fee desc) as d from bills)
        select sum(total_fee) filter (where d = 1) / sum(total_fee) from b
    """)
    assert 0.3 < float(top) < 0.5
    first = "snapshot_month = date '2025-01-01'"
    assert 0.10 < _one(con, f"select avg((family_group_id is not null)::int) from subscribers where {first}") < 0.20
    sizes = con.execute("select count(*) from subscribers where family_group_id is not null and "
                        f"{first} group by family_group_id").fetchall()
    assert max(s[0] for s in sizes) <= 5
    assert _one(con, f"select count(distinct customer_type) from subscribers where {first}") == 3
    assert _one(con, f"select min(year(open_date)) from subscribers where {first}") <= 2006
    assert _one(con, f"select avg((open_date > date '2024-01-01')::int) from subscribers where {first}") > 0.05


def test_campaign_response_and_orders(runs):
    con = _con(runs["a"])
    # 5G offers: accepted far more by 5G-handset users still on a 4G plan
    acc = dict(con.execute("""
        select s.device_5g_capable, avg((c.outcome = 'accepted')::int)
        from contacts c join subscribers s on s.subscriber_id = c.subscriber_id
         and s.snapshot_month = date_trunc('month', c.contact_at)
        where c.campaign_id like 'H5G%' group by 1
    """).fetchall())
    assert acc[True] > 3 * acc[False]
    # every accepted offer leads to an order with its campaign id within days
    missing = _one(con, """
        select count(*) from contacts c where c.outcome = 'accepted' and not exists (
            select 1 from product_orders o where o.subscriber_id = c.subscriber_id and o.campaign_id = c.campaign_id
            and o.order_at between c.contact_at and c.contact_at + interval 6 day)
    """)
    assert missing == 0
    assert _one(con, "select count(*) from product_orders where campaign_id is null "
                     "and order_at >= timestamp '2025-01-01'") > 0
    assert _one(con, "select count(*) from contacts where direction = 'inbound'") > 0
    rate = _one(con, "select count(*) / (select count(*) from subscribers) from complaints")
    assert 0.004 < rate < 0.015


def test_bad_arguments_are_user_errors(tmp_path, capsys):
    assert main(["generate", "--start-month", "2025-13", "--out", str(tmp_path / "x"), "--no-progress"]) == 2
    assert main(["generate", "--defect-rate", "2", "--out", str(tmp_path / "x"), "--no-progress"]) == 2
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "other.txt").write_text("not ours")
    assert main(["generate", "--out", str(tmp_path / "y"), "--no-progress"]) == 2
    assert "error" in capsys.readouterr().err


def test_running_out_of_memory_names_the_step_and_writes_no_manifest(tmp_path, capsys):
    out = tmp_path / "small"
    assert main(["generate", "--subscribers", "3000", "--months", "2", "--memory-limit", "30MB",
                 "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "ran out of --memory-limit 30MB in step '" in err and "Traceback" not in err
    assert not (out / "manifest.json").exists()
    assert not (out / "_tmp").exists()
