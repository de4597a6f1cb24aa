"""Product holdings, outbound campaigns, natural orders, and the order lines they produce.

Campaign response depends on fit (5G handset on a 4G plan, heavy data use near the quota,
at-risk high value) and on the subscriber's preferred channel. Accepted offers become orders
with the campaign id within days. One-off offers stop being made once accepted; natural
(uncontacted) events happen at a low rate and pre-empt later offers.
Tables: acq, hold, mk_contacts, plan_tl, ct_tl, orders_all.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import states

FAR = "date '2999-12-31'"


@dataclass(frozen=True)
class Campaign:
    code: str           # campaign id is 'H' + code + yymm, e.g. H5G2501
    kind: str           # upgrade5g / data_pack / retention / broadband / vas / benefits
    product_sql: str    # picks the offered product from ref_products
    one_time: bool
    schedule: str       # SQL over m
    eligible: str       # SQL over mx columns
    target: str         # probability of being targeted (SQL)
    accept: str         # base probability of accepting when reached (SQL)
    weights: dict = field(default_factory=dict)  # channel mix of the campaign


CAMPAIGNS = (
    Campaign("5G", "upgrade5g",
             "select product_id from ref_products where product_type = 'plan' and network = '5g' "
             "order by monthly_fee, product_id limit 1",
             True, "true", "plan0_network = '4g' and m < coalesce(nat5g_m, 9999)",
             "case when dev5g then 0.16 else 0.05 end",
             "case when dev5g then case when plan0_fee >= 38 then 0.08 else 0.05 end else 0.006 end",
             {"sms": 0.40, "app_push": 0.25, "outbound_call": 0.15, "wechat": 0.15, "store": 0.05}),
    Campaign("DP", "data_pack",
             "select product_id from ref_products where product_type = 'data_pack' "
             "order by monthly_fee, product_id limit 1",
             False, "true", "true",
             "case when eff_dutil >= 0.85 then 0.35 else 0.04 end",
             "case when eff_dutil >= 0.85 then 0.20 else 0.015 end",
             {"sms": 0.50, "app_push": 0.35, "wechat": 0.15}),
    Campaign("RT", "retention",
             "select product_id from ref_products where product_type = 'contract' "
             "order by contract_months, product_id limit 1",
             True, "true",
             "(value_pct >= 0.6 or plan0_fee >= 88) and m < coalesce(nat_renew_m, 9999)",
             "case when at_risk then 0.50 else 0.025 end",
             "case when churn_m between m and m + 3 then 0.0 when at_risk then 0.25 else 0.04 end",
             {"outbound_call": 0.55, "store": 0.15, "sms": 0.15, "wechat": 0.15}),
    Campaign("BB", "broadband",
             "select product_id from ref_products where product_type = 'broadband' "
             "order by monthly_fee, product_id limit 1",
             True, "m % 3 = 0",
             "not has_bb and age between 24 and 65 and customer_type <> 'enterprise' and m < coalesce(natbb_m, 9999)",
             "0.12", "case when customer_type = 'family' then 0.06 else 0.02 end",
             {"outbound_call": 0.35, "sms": 0.30, "store": 0.20, "app_push": 0.15}),
    Campaign("VS", "vas",
             "select product_id from ref_products where product_type = 'vas' "
             "order by monthly_fee desc, product_id limit 1",
             True, "m % 2 = 1",
             "not has_vas_offer and eff_dutil >= 0.5 and m < coalesce(natvas_m, 9999)",
             "0.10", "case when age < 35 and eff_dutil >= 0.8 then 0.09 else 0.015 end",
             {"app_push": 0.50, "sms": 0.30, "wechat": 0.20}),
    Campaign("BN", "benefits",
             "select product_id from ref_products where product_type = 'benefits' "
             "order by monthly_fee, product_id limit 1",
             True, "m % 3 = 1",
             "not has_ben and value_pct >= 0.45 and m < coalesce(natben_m, 9999)",
             "0.08", "0.02 + 0.08 * value_pct",
             {"app_push": 0.40, "sms": 0.30, "wechat": 0.30}),
)

CHANNEL_FACTOR = {"outbound_call": 1.5, "store": 2.0, "sms": 0.6, "app_push": 0.8, "wechat": 0.9}


def _case_factor(col: str) -> str:
    return "(case " + " ".join(f"when {col} = '{c}' then {f}" for c, f in CHANNEL_FACTOR.items()) + " else 1.0 end)"


def _tod(u: str, lo_h: int = 9, span_h: int = 12) -> str:
    """Seconds into the day for a time between lo_h:00 and lo_h+span_h:00."""
    return f"to_seconds(cast({lo_h * 3600} + floor({u} * {span_h * 3600}) as bigint))"


def build(g) -> None:
    _acquisition(g)
    _opening_holdings(g)
    _mx(g)
    _campaign_contacts(g)
    _effects(g)
    _holdings_all(g)
    _orders(g)


def _acquisition(g) -> None:
    g.sql("""
        create table acq as
        select t.sid, a.code as acquisition_channel
        from tl t asof join acq_cum a
          on a.grp = case when t.open_date < date '2015-01-01' then 'old' else 'new' end
         and uu(t.sid, 30, 1) >= a.lo
    """)
    g.digital_channel = g.con.execute("""
        select coalesce(max(case when channel_code = 'app' then channel_code end), min(channel_code))
        from ref_channels where is_sales
    """).fetchone()[0]


def _opening_holdings(g) -> None:
    """hold0: holdings at the start of the window or taken at joining (not the plan)."""
    M, start, we = g.months, g.start, g.window_end
    g.sql(f"""
        create table hold0 (sid bigint, product_id varchar, ptype varchar, start_date date, expire_date date,
                            order_at timestamp, channel_code varchar, campaign_id varchar, src varchar)
    """)
    # broadband: current yearly term and its renewals (78% renew each year)
    g.sql(f"""
        insert into hold0
        with b as (
            select s.sid, s.bb_product as product_id, t.open_date, t.close_date,
                   case when t.join_m >= 0 then t.open_date
                        else greatest(t.open_date, date '{start}' - 1 - cast(floor(uu(s.sid, 31, 1) * 365) as integer))
                   end as st0,
                   geo(uu(s.sid, 31, 2), 0.22) as nren
            from sub s join tl t using (sid) where s.bb_product is not null
        ),
        tm as (
            select b.*, r.i as n, (st0 + to_months(12 * r.i))::date as st,
                   (st0 + to_months(12 * (r.i + 1)))::date - 1 as ex,
                   (st0 + to_months(12 * r.i))::date - 1 - cast(floor(uu(b.sid, r.i, 31003) * 10) as integer) as ren_day
            from b cross join range(0, {M // 12 + 3}) r(i)
            where r.i <= b.nren
        )
        select sid, product_id, 'broadband', st, ex,
               case when n = 0 then st::timestamp else ren_day::timestamp end + {_tod('uu(sid, n, 31004)')},
               null, null, case when n = 0 then 'open' else 'renewal' end
        from tm
        where st <= date '{we}' and (n = 0 or ren_day < coalesce(close_date, {FAR}))
    """)
    # family share, corporate V-net, VAS (one or two), benefits
    g.sql(f"""
        insert into hold0
        with s as (
            select s.sid, s.customer_type, s.age, s.value_pct, s.group_date, s.family_group_id, t.open_date, t.join_m,
                   greatest(t.open_date, date '{start}' - 30 - cast(floor(uu(s.sid, 32, 1) * 1500) as integer)) as since
            from sub s join tl t using (sid)
        ),
        fam as (
            select s.sid, (select min(product_id) from ref_products where product_type = 'family') as product_id,
                   'family' as ptype, greatest(s.open_date, s.group_date) as st
            from s where s.family_group_id is not null
        ),
        vnet as (
            select s.sid, (select min(product_id) from ref_products where product_type = 'vnet') as product_id,
                   'vnet' as ptype, s.since as st
            from s where s.customer_type = 'enterprise' and uu(s.sid, 32, 2) < 0.85
        ),
        vas1 as (
            select s.sid, vl.product_id, 'vas' as ptype, s.since as st
            from s join vas_list vl
              on vl.i = cast(floor(uu(s.sid, 32, 4) * vl.n) as integer)
            where uu(s.sid, 32, 3) < (0.16 + case when s.age < 35 then 0.14 else 0 end + 0.08 * s.value_pct)
                                     * case when s.join_m >= 0 then 0.5 else 1.0 end
        ),
        vas2 as (
            select s.sid, vl.product_id, 'vas' as ptype,
                   greatest(s.open_date, s.since + cast(floor(uu(s.sid, 32, 6) * 200) as integer)) as st
            from s join vas_list vl
              on vl.i = (cast(floor(uu(s.sid, 32, 4) * vl.n) as integer) + 1
                         + cast(floor(uu(s.sid, 32, 7) * greatest(vl.n - 1, 1)) as integer)) % vl.n
            where uu(s.sid, 32, 3) < (0.16 + case when s.age < 35 then 0.14 else 0 end + 0.08 * s.value_pct)
                                     * case when s.join_m >= 0 then 0.5 else 1.0 end
              and uu(s.sid, 32, 5) < 0.2 and vl.n > 1
        ),
        ben as (
            select s.sid, bl.product_id, 'benefits' as ptype, s.since as st
            from s join benefits_list bl on bl.i = cast(floor(uu(s.sid, 32, 9) * bl.n) as integer)
            where uu(s.sid, 32, 8) < 0.05 + 0.10 * s.value_pct
        ),
        u as (
            select * from fam where product_id is not null
            union all select * from vnet where product_id is not null
            union all select * from vas1 union all select * from vas2 union all select * from ben
        )
        select u.sid, u.product_id, u.ptype, u.st, null,
               u.st::timestamp + {_tod('uu(u.sid, hash(u.product_id), 32010)')}, null, null, 'open'
        from u where u.st <= date '{we}'
    """)
    # opening contract
    g.sql(f"""
        insert into hold0
        select sid, ct_product, 'contract', ct_start0, ct_end0,
               ct_start0::timestamp + {_tod('uu(sid, 33, 1)')}, null, null, 'open'
        from tl where ct_product is not null and ct_start0 <= date '{we}'
    """)


def _mx(g) -> None:
    """Campaign view of each subscriber-month in service."""
    g.sql(f"""
        create table hflags as
        select sid, bool_or(ptype = 'vas' and product_id = '{g.campaign_product('VS') or ''}') as has_vas_offer,
               bool_or(ptype = 'benefits') as has_ben
        from hold0 group by sid
    """)
    g.sql(f"""
        create table mx as
        select sm.sid, sm.m, mo.yymm, sm.svc_lo, sm.svc_hi, sm.k, sm.trail_cause,
               t.churn_m, s.age, s.value_pct, s.customer_type, s.plan0_network, s.plan0_fee::double as plan0_fee,
               s.has_bb, s.dnd_flag, u.pref_channel,
               s.dev0 or coalesce(t.dev_m_raw <= sm.m, false) as dev5g,
               s.consent0 and (t.optout_m is null or sm.m <= t.optout_m) as consent_start,
               u.data_util * {states.usage_mult_sql('sm.k', 'sm.trail_cause')}
                 * {states.data_burst_sql('sm.k', 'sm.trail_cause')} as eff_dutil,
               (t.ct_end0 between sm.ms - 60 and sm.me + 60) or coalesce(sm.k between 1 and 3, false) as at_risk,
               t.nat5g_m, t.natbb_m, t.natvas_m, t.natben_m,
               date_diff('month', date '{g.start}', t.nat_renew_date) as nat_renew_m,
               coalesce(hf.has_vas_offer, false) as has_vas_offer, coalesce(hf.has_ben, false) as has_ben
        from sm join sub s using (sid) join tl t using (sid) join upar u using (sid) join months mo on mo.m = sm.m
        left join hflags hf using (sid)
        where sm.svc_lo is not null
    """)


def _campaign_contacts(g) -> None:
    g.sql("""
        create table mk_raw (sid bigint, m integer, camp varchar, one_time boolean, campaign_id varchar,
                             product_id varchar, channel_code varchar, contact_at timestamp, outcome varchar,
                             svc_hi date)
    """)
    outbound = [r[0] for r in g.con.execute(
        "select channel_code from ref_channels where is_outbound_marketing order by 1").fetchall()]
    rows = []
    for c in CAMPAIGNS:
        allowed = [ch for ch in c.weights if ch in outbound] or outbound
        rows += [(c.code, ch, c.weights.get(ch, 0.05)) for ch in allowed]
    values = ", ".join(f"('{a}', '{b}', {w})" for a, b, w in rows)
    g.sql(f"""
        create table camp_chan_cum as
        with t as (select * from (values {values}) t(grp, code, w))
        select grp, code,
               coalesce(sum(w) over (partition by grp order by code rows between unbounded preceding and 1 preceding), 0)
                 / sum(w) over (partition by grp) as lo
        from t
    """)
    factor = _case_factor("channel_code")
    for i, c in enumerate(CAMPAIGNS):
        product = g.campaign_product(c.code)
        if product is None:
            continue
        allowed = [r[0] for r in g.con.execute(
            f"select code from camp_chan_cum where grp = '{c.code}' order by 1").fetchall()]
        allowed_sql = "[" + ", ".join(f"'{a}'" for a in allowed) + "]"
        s = 100 + 20 * i
        g.sql(f"""
            insert into mk_raw
            with e as (
                select x.*, ({c.target}) as p_t, ({c.accept}) as p_a
                from mx x
                where ({c.schedule}) and x.consent_start
                  and (not x.dnd_flag or uu(x.sid, x.m, {s}) < 0.08)
                  and ({c.eligible})
            ),
            t as (
                select e.*,
                       case when list_contains({allowed_sql}, pref_channel) and uu(sid, m, {s + 2}) < 0.5
                            then pref_channel end as pc
                from e where uu(sid, m, {s + 1}) < p_t
            ),
            ch as (
                select t.*, coalesce(t.pc, cc.code) as channel_code
                from t asof join camp_chan_cum cc on cc.grp = '{c.code}' and uu(t.sid, t.m, {s + 3}) >= cc.lo
            ),
            o as (
                select ch.*,
                       (svc_lo + cast(floor(uu(sid, m, {s + 4}) * (svc_hi - svc_lo + 1)) as integer))::timestamp
                         + {_tod(f'uu(sid, m, {s + 5})')} as contact_at,
                       least(0.95, p_a * {factor} * case when channel_code = pref_channel then 2.2 else 0.7 end)
                         as p_acc,
                       uu(sid, m, {s + 6}) as u1, uu(sid, m, {s + 7}) as u2, uu(sid, m, {s + 8}) as u3
                from ch
            )
            select sid, m, '{c.code}', {str(c.one_time).lower()}, 'H{c.code}' || yymm, '{product}', channel_code,
                   contact_at,
                   case
                     when channel_code = 'sms' and u1 < 0.03 then 'failed'
                     when channel_code = 'app_push' and u1 < 0.10 then 'failed'
                     when channel_code = 'wechat' and u1 < 0.02 then 'failed'
                     when channel_code = 'outbound_call' and u1 < 0.35 then 'no_answer'
                     when u2 < p_acc then 'accepted'
                     when channel_code = 'sms' then case when u3 < 0.08 then 'sent' when u3 < 0.15 then 'responded'
                                                         else 'delivered' end
                     when channel_code = 'app_push' then case when u3 < 0.22 then 'opened' else 'delivered' end
                     when channel_code = 'wechat' then case when u3 < 0.30 then 'opened' else 'delivered' end
                     when channel_code = 'outbound_call' then case when u3 < 0.15 then 'responded' else 'declined' end
                     when channel_code = 'store' then case when u3 < 0.20 then 'responded' else 'declined' end
                     else case when u3 < 0.5 then 'delivered' else 'declined' end
                   end,
                   svc_hi
            from o
        """)
    # one-off offers stop after the first acceptance; the opt-out month's last reached touch is the opt-out
    g.sql("""
        create table mk_contacts as
        with f as (
            select sid, camp, min(m) as fa_m from mk_raw where one_time and outcome = 'accepted' group by all
        ),
        k as (
            select r.* from mk_raw r left join f using (sid, camp)
            where r.m <= coalesce(f.fa_m, 9999)
        ),
        o as (
            select k.*,
                   case when k.m = t.optout_m and k.outcome not in ('accepted', 'failed', 'no_answer', 'sent')
                        then row_number() over (partition by k.sid, k.m = t.optout_m
                                                   and k.outcome not in ('accepted', 'failed', 'no_answer', 'sent')
                                                order by k.contact_at desc, k.camp) end as rn_opt
            from k join tl t using (sid)
        )
        select sid, m, camp, one_time, campaign_id, product_id, channel_code, contact_at,
               case when rn_opt = 1 then 'opt_out' else outcome end as outcome, svc_hi
        from o
    """)
    g.sql(f"""
        create table mk_orders as
        select c.sid, c.m, c.camp, c.campaign_id, c.product_id,
               least(c.contact_at + to_seconds(cast(
                        case c.channel_code when 'store' then 600 + floor(uu(c.sid, hash(c.camp, c.m), 46) * 2400)
                             when 'outbound_call' then floor(uu(c.sid, hash(c.camp, c.m), 46) * 86400)
                             else 300 + floor(uu(c.sid, hash(c.camp, c.m), 46) * 4 * 86400) end as bigint)),
                     c.svc_hi::timestamp + to_seconds(82800)) as order_at,
               case when ch.is_sales then c.channel_code else '{g.digital_channel}' end as channel_code
        from mk_contacts c join ref_channels ch using (channel_code)
        where c.outcome = 'accepted'
    """)


def _effects(g) -> None:
    """Plan and contract timelines, and new holdings from accepted offers and natural events."""
    # natural events happen on a day in service in their month
    g.sql("""
        create table nat_ev as
        with e as (
            select sid, 'upgrade5g' as kind, nat5g_m as nm from tl where nat5g_m is not null
            union all select sid, 'broadband', natbb_m from tl where natbb_m is not null
            union all select sid, 'vas', natvas_m from tl
            union all select sid, 'benefits', natben_m from tl
        )
        select e.sid, e.kind, e.nm as m,
               (sm.svc_lo + cast(floor(uu(e.sid, 34, hash(e.kind)) * (sm.svc_hi - sm.svc_lo + 1)) as integer))::timestamp
                 + to_seconds(cast(32400 + floor(uu(e.sid, 35, hash(e.kind)) * 43200) as bigint)) as at
        from e join sm on sm.sid = e.sid and sm.m = e.nm and sm.svc_lo is not null
    """)
    g.sql(f"""
        create table plan_tl as
        with camp as (
            select sid, product_id as plan1, order_at, channel_code, campaign_id from mk_orders where camp = '5G'
        ),
        nat as (
            select n.sid, pc.product_id as plan1, n.at as order_at, null::varchar as channel_code,
                   null::varchar as campaign_id
            from nat_ev n join sub s using (sid)
            asof join plan_cum pc on pc.network = '5g' and logistic(1.7 * (s.z + 0.4)) >= pc.lo
            where n.kind = 'upgrade5g'
        )
        select * from camp
        union all
        select * from nat where sid not in (select sid from camp)
    """)
    ct12 = g.campaign_product("RT")
    g.sql(f"""
        create table ct_tl as
        with camp as (
            select sid, order_at, channel_code, campaign_id, product_id from mk_orders where camp = 'RT'
        ),
        nat as (
            select t.sid, t.nat_renew_date::timestamp + to_seconds(cast(32400 + floor(uu(t.sid, 36, 1) * 43200) as bigint))
                     as order_at,
                   null::varchar as channel_code, null::varchar as campaign_id, '{ct12}' as product_id
            from tl t join sm on sm.sid = t.sid and t.nat_renew_date between sm.svc_lo and sm.svc_hi
            where t.nat_renew_date is not null
        ),
        r as (
            select * from camp
            union all select * from nat where sid not in (select sid from camp)
        )
        select r.sid, r.order_at::date as renew_date, r.order_at, r.channel_code, r.campaign_id, r.product_id,
               (r.order_at::date + to_months(p.contract_months))::date - 1 as ct_end1
        from r join ref_products p using (product_id)
    """)
    # new holdings in the window: campaign and natural broadband / VAS / benefits, data packs, contract renewals
    g.sql(f"""
        create table hold1 as
        with camp as (
            select o.sid, o.product_id, p.product_type as ptype, o.order_at, o.channel_code, o.campaign_id, o.camp
            from mk_orders o join ref_products p using (product_id)
            where o.camp in ('BB', 'VS', 'BN', 'DP')
        ),
        nat as (
            select n.sid,
                   case n.kind when 'broadband' then (select product_id from bb_cum order by lo limit 1)
                               when 'vas' then '{g.campaign_product('VS') or ''}'
                               else '{g.campaign_product('BN') or ''}' end as product_id,
                   n.kind as ptype, n.at as order_at, null::varchar as channel_code, null::varchar as campaign_id,
                   n.kind as camp
            from nat_ev n
            where n.kind in ('broadband', 'vas', 'benefits')
              and not exists (select 1 from mk_orders o where o.sid = n.sid
                              and o.camp = case n.kind when 'broadband' then 'BB' when 'vas' then 'VS' else 'BN' end)
        ),
        dp_nat as (
            -- heavy users near their quota buy data packs without being contacted
            select x.sid, dl.product_id, 'data_pack' as ptype,
                   (x.svc_lo + cast(floor(uu(x.sid, x.m, 37) * (x.svc_hi - x.svc_lo + 1)) as integer))::timestamp
                     + to_seconds(cast(32400 + floor(uu(x.sid, x.m, 38) * 50400) as bigint)) as order_at,
                   null::varchar, null::varchar, 'DPN'
            from mx x join data_pack_list dl on dl.i = case when x.eff_dutil > 1.3 then dl.n - 1 else 0 end
            where uu(x.sid, x.m, 39) < case when x.eff_dutil >= 1.0 then 0.10 when x.eff_dutil >= 0.85 then 0.05
                                            else 0.002 end
        ),
        u as (
            select * from camp union all select * from nat where product_id <> '' union all select * from dp_nat
        )
        select u.sid, u.product_id, u.ptype, u.order_at::date as start_date,
               case u.ptype when 'data_pack' then last_day(u.order_at::date)
                            when 'broadband' then (u.order_at::date + to_months(12))::date - 1 end as expire_date,
               u.order_at, u.channel_code, u.campaign_id, 'new' as src
        from u
        union all
        select sid, product_id, 'contract', renew_date, ct_end1, order_at, channel_code, campaign_id, 'renewal'
        from ct_tl
    """)


def _holdings_all(g) -> None:
    """All holdings with natural unsubscribes of VAS and benefits (2.5% a month)."""
    we = g.window_end
    g.sql(f"""
        create table hold as
        with h as (
            select * from hold0 union all select * from hold1
        ),
        e as (
            select h.*, t.close_date,
                   geo(uu(h.sid, hash(h.product_id, h.start_date), 40), 0.025) as unsub_after,
                   greatest(0, date_diff('month', date '{g.start}', h.start_date)) as m_from
            from h join tl t using (sid)
        ),
        u as (
            select e.*,
                   case when ptype in ('vas', 'benefits') and m_from + unsub_after < {g.months} then
                        (date '{g.start}' + to_months(cast(m_from + unsub_after as integer)))::date
                          + cast(floor(uu(sid, hash(product_id, start_date), 41) * 28) as integer)
                   end as end0
            from e
        )
        select sid, product_id, ptype, start_date, expire_date,
               case when end0 > start_date and end0 <= date '{we}' and end0 < coalesce(close_date, {FAR}) then end0 end
                 as end_date,
               order_at, channel_code, campaign_id, src
        from u
    """)
    # an unsubscribe is only recorded while the subscriber is in service that day
    g.sql("""
        update hold set end_date = null
        where end_date is not null and not exists (
            select 1 from sm where sm.sid = hold.sid and hold.end_date between sm.svc_lo and sm.svc_hi)
    """)


def _orders(g) -> None:
    start, we = g.start, g.window_end
    g.sql(f"""
        create table orders_all as
        with plan_hist as (
            select t.sid, s.plan0 as product_id, t.open_date, t.join_m,
                   case when s.plan0_network = '5g'
                        then greatest(t.open_date, date '2019-11-01'
                             + cast(floor(uu(t.sid, 42, 1) * greatest(1, date '{start}' - date '2019-11-01' - 1)) as integer))
                        when t.open_date >= date '2014-01-01' and uu(t.sid, 42, 2) < 0.6 then t.open_date
                        else greatest(t.open_date, date '2014-01-01'
                             + cast(floor(uu(t.sid, 42, 3) * greatest(1, date '{start}' - date '2014-01-01' - 1)) as integer))
                   end as since
            from tl t join sub s using (sid)
        ),
        plan_orders as (
            select p.sid, p.product_id,
                   case when p.since = p.open_date then 'subscribe' else 'change_plan' end as action,
                   least(p.since, case when p.join_m < 0 then date '{start}' - 1 end)::timestamp
                     + {_tod('uu(p.sid, 43, 1)')} as order_at,
                   case when p.since = p.open_date then a.acquisition_channel end as channel_code,
                   null::varchar as campaign_id, null::date as expire_date
            from plan_hist p join acq a using (sid)
            union all
            -- win-back: the old number comes back on its plan of the day
            select t.sid, case when pt.order_at::date <= t.winback_date then pt.plan1 else s.plan0 end,
                   'subscribe', t.winback_date::timestamp + {_tod('uu(t.sid, 43, 2)')}, null, null, null
            from tl t join sub s using (sid) left join plan_tl pt using (sid)
            where t.winback_date is not null
            union all
            select sid, plan1, 'change_plan', order_at, channel_code, campaign_id, null from plan_tl
        ),
        hold_orders as (
            select sid, product_id, 'subscribe' as action, order_at, start_date as effective_date, expire_date,
                   channel_code, campaign_id
            from hold
            union all
            select sid, product_id, 'unsubscribe', end_date::timestamp + {_tod('uu(sid, hash(product_id), 44)')},
                   end_date, null, null, null
            from hold where end_date is not null
        ),
        u as (
            select sid, product_id, action, order_at, order_at::date as effective_date, expire_date, channel_code,
                   campaign_id
            from plan_orders
            union all select * from hold_orders
        )
        select u.sid, u.product_id, u.action, u.order_at, u.effective_date, u.expire_date,
               coalesce(u.channel_code, oc.code) as channel_code, u.campaign_id
        from u asof join order_chan_cum oc
          on oc.grp = 'all' and uu(u.sid, hash(u.product_id, u.action, u.order_at), 45) >= oc.lo
    """)
