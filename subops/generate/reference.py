"""Reference tables read from the seeds, plus the cumulative-weight tables the generator draws from.

Every code the generator writes comes from seeds/reference/*.csv; the behavioural weights below
(which channel older subscribers prefer, ...) apply to whatever codes the seeds hold, with a
default weight for codes they do not name.
"""
from __future__ import annotations

from pathlib import Path

from .names import AREA_TO_DIVISION

SEED_FILES = ("regions.csv", "channels.csv", "products.csv")

# Acquisition channel weights by era of the open date (before 2015 / from 2015).
ACQ_WEIGHTS = {
    "old": {"store": 0.45, "agent": 0.33, "hotline": 0.08, "outbound_call": 0.06, "online": 0.05, "app": 0.03},
    "new": {"store": 0.30, "agent": 0.20, "online": 0.15, "app": 0.24, "outbound_call": 0.06, "hotline": 0.05},
}
# Preferred marketing channel by age group (young < 35 <= mid < 55 <= old).
PREF_WEIGHTS = {
    "young": {"app_push": 0.42, "wechat": 0.30, "sms": 0.18, "outbound_call": 0.05, "store": 0.05},
    "mid": {"sms": 0.30, "wechat": 0.25, "app_push": 0.20, "outbound_call": 0.15, "store": 0.10},
    "old": {"outbound_call": 0.40, "store": 0.25, "sms": 0.25, "wechat": 0.06, "app_push": 0.04},
}
# Channels of natural (uncontacted) orders and of inbound service touches.
ORDER_WEIGHTS = {"app": 0.35, "online": 0.15, "store": 0.25, "hotline": 0.10, "agent": 0.10, "outbound_call": 0.05}
SERVICE_WEIGHTS = {"hotline": 0.45, "app": 0.20, "wechat": 0.15, "store": 0.20}
DEFAULT_WEIGHT = 0.05


def _values(rows) -> str:
    out = []
    for row in rows:
        cells = []
        for v in row:
            cells.append("'" + str(v).replace("'", "''") + "'" if isinstance(v, str) else repr(float(v)))
        out.append("(" + ", ".join(cells) + ")")
    return ", ".join(out)


def load(con, seeds_dir: Path) -> None:
    ref = Path(seeds_dir) / "reference"
    for name in SEED_FILES:
        if not (ref / name).is_file():
            from subops.cli import UserError

            raise UserError(f"seed file missing: {ref / name}")

    def csv(name):
        return f"read_csv('{(ref / name).as_posix()}', all_varchar=true, header=true)"

    con.execute(f"""
        create table ref_regions as
        select trim(region_code) as region_code, cast(city_tier as integer) as city_tier,
               cast(population_weight as double) as w
        from {csv('regions.csv')}
    """)
    con.execute(f"""
        create table ref_channels as
        select trim(channel_code) as channel_code,
               lower(trim(is_outbound_marketing)) = 'true' as is_outbound_marketing,
               lower(trim(is_sales)) = 'true' as is_sales,
               lower(trim(is_service)) = 'true' as is_service
        from {csv('channels.csv')}
    """)
    con.execute(f"""
        create table ref_products as
        select trim(product_id) as product_id, trim(product_type) as product_type,
               nullif(trim(network), '') as network,
               cast(monthly_fee as decimal(12, 2)) as monthly_fee,
               cast(nullif(trim(data_quota_mb), '') as double) as data_quota_mb,
               cast(nullif(trim(voice_quota_minutes), '') as double) as voice_quota_minutes,
               cast(nullif(trim(contract_months), '') as integer) as contract_months
        from {csv('products.csv')}
    """)
    regions = [r[0] for r in con.execute("select region_code from ref_regions order by region_code").fetchall()]
    division = []
    for i, code in enumerate(regions):
        division.append((code, AREA_TO_DIVISION.get(code, f"{3390 + i % 10:04d}")))
    con.execute(f"create table ref_division as select * from (values {_values(division)}) t(region_code, div4)")

    _check(con)
    _cum_tables(con)


def _check(con) -> None:
    from subops.cli import UserError

    need = {
        "plans with network 4g": "select count(*) from ref_products where product_type = 'plan' and network = '4g'",
        "plans with network 5g": "select count(*) from ref_products where product_type = 'plan' and network = '5g'",
        "broadband products": "select count(*) from ref_products where product_type = 'broadband'",
        "contract products": "select count(*) from ref_products where product_type = 'contract'",
        "sales channels": "select count(*) from ref_channels where is_sales",
        "service channels": "select count(*) from ref_channels where is_service",
        "outbound marketing channels": "select count(*) from ref_channels where is_outbound_marketing",
        "regions": "select count(*) from ref_regions",
    }
    for what, sql in need.items():
        if con.execute(sql).fetchone()[0] == 0:
            raise UserError(f"the seeds have no {what}; the generator needs at least one")


def _weighted(con, name: str, weights: dict[str, dict[str, float]] | dict[str, float], codes_sql: str) -> None:
    """Create <name>(grp, code, lo): cumulative weights over the codes codes_sql selects, per group."""
    codes = [r[0] for r in con.execute(codes_sql).fetchall()]
    groups = weights if isinstance(next(iter(weights.values())), dict) else {"all": weights}
    rows = [(g, c, w.get(c, DEFAULT_WEIGHT)) for g, w in groups.items() for c in codes]
    con.execute(f"""
        create table {name} as
        with t as (select * from (values {_values(rows)}) t(grp, code, w))
        select grp, code,
               coalesce(sum(w) over (partition by grp order by code rows between unbounded preceding and 1 preceding), 0)
                 / sum(w) over (partition by grp) as lo
        from t
    """)


def _cum_tables(con) -> None:
    con.execute("""
        create table region_cum as
        select r.region_code, r.city_tier, d.div4,
               coalesce(sum(w) over (order by r.region_code rows between unbounded preceding and 1 preceding), 0)
                 / sum(w) over () as lo
        from ref_regions r join ref_division d using (region_code)
    """)
    # Plan mix: weighted to cheap plans, steeper for 5G.
    con.execute("""
        create table plan_cum as
        with p as (
            select product_id, network, monthly_fee::double as fee,
                   pow(monthly_fee::double, case when network = '4g' then -1.0 else -1.3 end) as w
            from ref_products where product_type = 'plan'
        )
        select network, product_id,
               coalesce(sum(w) over (partition by network order by fee, product_id
                                     rows between unbounded preceding and 1 preceding), 0)
                 / sum(w) over (partition by network) as lo
        from p
    """)
    con.execute("""
        create table bb_cum as
        with p as (select product_id, monthly_fee::double as fee, pow(monthly_fee::double, -1.5) as w
                   from ref_products where product_type = 'broadband')
        select product_id, coalesce(sum(w) over (order by fee, product_id rows between unbounded preceding and 1 preceding), 0)
                 / sum(w) over () as lo
        from p
    """)
    for ptype in ("vas", "benefits", "data_pack", "contract"):
        con.execute(f"""
            create table {ptype}_list as
            select product_id, row_number() over (order by monthly_fee, contract_months, product_id) - 1 as i,
                   count(*) over () as n
            from ref_products where product_type = '{ptype}'
        """)
    _weighted(con, "acq_cum", ACQ_WEIGHTS, "select channel_code from ref_channels where is_sales order by 1")
    _weighted(con, "pref_cum", PREF_WEIGHTS,
              "select channel_code from ref_channels where is_outbound_marketing order by 1")
    _weighted(con, "order_chan_cum", ORDER_WEIGHTS, "select channel_code from ref_channels where is_sales order by 1")
    _weighted(con, "service_chan_cum", SERVICE_WEIGHTS,
              "select channel_code from ref_channels where is_service order by 1")
