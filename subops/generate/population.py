"""The subscriber population: static attributes (table `sub`) and life timelines (table `tl`).

One row per subscriber who is in the base at the start of the window or joins during it.
Every random draw is `uu(key, stage, salt)`, a hash of the run seed, so the result depends on
the arguments only. Timelines hold at most one of each event inside the window: churn (with its
planted cause and the month its trail leads up to), win-back, suspension episode, contract end
and renewal, opt-out, device upgrade and the natural (uncontacted) product events.
"""
from __future__ import annotations

from .names import DISTRICT_SUFFIXES, GIVEN_FEMALE, GIVEN_MALE, MSISDN_PREFIXES, SURNAMES, sql_list

# Multiplier on subscriber keys and the spread of the offset, so ids look sparse and stay unique.
KEY_BASE = 10_001_000_000
KEY_STEP = 37

# Churn: mean monthly hazard, and the planted causes with their base weights.
CHURN_RATE = 0.02
CAUSES = ("contract_expiry", "off_net", "falling_usage", "unresolved_complaints", "dropped_calls",
          "price_sensitive", "other")
PSEUDO_TRAIL_RATE = 0.07  # per year: non-churners that show a churn-like trail and stay (false alarms)
WINBACK_RATE = 0.09       # of port_out/voluntary churners (about 7% of all churners)
SUSPENSION_RATE_YEAR = 0.012


def months_and_days(g) -> None:
    g.sql(f"""
        create table months as
        select i::integer as m,
               (date '{g.start}' + to_months(i))::date as ms,
               last_day((date '{g.start}' + to_months(i))::date) as me,
               (last_day((date '{g.start}' + to_months(i))::date) - (date '{g.start}' + to_months(i))::date + 1)::integer
                 as ndays,
               strftime((date '{g.start}' + to_months(i))::date, '%y%m') as yymm,
               strftime((date '{g.start}' + to_months(i))::date, '%Y-%m') as ym
        from range({g.months}) t(i)
    """)
    g.sql("""
        create table days as
        select m, (ms + i::integer) as d, (ms + i::integer - date '2000-01-01')::integer as k,
               isodow(ms + i::integer) as dow, ndays
        from months, range(31) t(i)
        where ms + i::integer <= me
    """)


def build(g) -> None:
    _joiners(g)
    _open_dates(g)
    _attributes(g)
    _families(g)
    _sub(g)
    _timeline(g)


def _joiners(g) -> None:
    # New joiners each month: 1.6% - 2.4% of the opening base.
    g.sql(f"""
        create table joins_c as
        with j as (
            select m, ms, ndays,
                   cast(round({g.n} * (0.016 + 0.008 * uu(0, m, 11))) as bigint) as n
            from months
        )
        select m, ms, ndays, n,
               {g.n} + coalesce(sum(n) over (order by m rows between unbounded preceding and 1 preceding), 0) as lo
        from j
    """)
    g.total = g.n + g.con.execute("select coalesce(sum(n), 0) from joins_c").fetchone()[0]


def _open_dates(g) -> None:
    g.sql(f"""
        create table p_open as
        with r as (select i::bigint as idx from range({g.total}) t(i)),
        j as (
            select r.idx, coalesce(jc.m, -1) as join_m, jc.ms as jms, jc.ndays as jnd
            from r asof left join joins_c jc on r.idx >= jc.lo
        ),
        a as (
            select *,
                   case when join_m < 0 then least(84.0, greatest(16.5, 41.0 + 13.0 * nn(idx, 1, 1)))
                        else least(72.0, greatest(16.2, 30.0 + 10.0 * nn(idx, 1, 1))) end as age,
                   uu(idx, 1, 2) as ut, uu(idx, 1, 3) as ut2
            from j
        ),
        b as (
            select *,
                   case when ut < 0.13 then ut2 when ut < 0.38 then 1 + 3 * ut2
                        when ut < 0.68 then 4 + 6 * ut2 else 10 + 11 * ut2 end as ten_raw
            from a
        )
        select idx, join_m, age,
               case when join_m >= 0 then jms + cast(floor(uu(idx, 1, 4) * jnd) as integer)
                    else greatest(date '2005-01-01' + cast(floor(uu(idx, 1, 5) * 700) as integer),
                                  date '{g.start}' - 1 - cast(floor(365.25 * least(age - 16.0, ten_raw)) as integer))
               end as open_date
        from b
    """)


def _attributes(g) -> None:
    g.sql(f"""
        create table p_attr as
        with s as (
            select row_number() over (order by open_date, idx) as sid, idx, join_m, age, open_date
            from p_open
        ),
        a as (
            select s.*,
                   (date '{g.start}' - 1 - open_date) / 365.25 as tenure_y,
                   date '{g.start}' - cast(floor(age * 365.25) as integer) - cast(floor(uu(sid, 2, 1) * 300) as integer)
                     as birth_date,
                   uu(sid, 2, 2) as u_region,
                   uu(sid, 2, 3) as u_gender,
                   nn(sid, 2, 4) as z0,
                   uu(sid, 2, 5) as u_ent
            from s
        ),
        r as (
            select a.*, rc.region_code, rc.city_tier, rc.div4
            from a asof join region_cum rc on a.u_region >= rc.lo
        )
        select sid, idx, join_m, age, open_date, tenure_y,
               least(birth_date, open_date - 16 * 365) as birth_date,
               region_code, city_tier, div4,
               case when u_gender < 0.008 then 'U' when u_gender < 0.513 then 'M' else 'F' end as gender,
               case when age between 22 and 60 and u_ent < 0.11 then 'enterprise'
                    when u_ent > 0.985 then 'enterprise' else 'individual' end as type0,
               z0 + case when age between 22 and 60 and u_ent < 0.11 then 0.35 else 0 end as z
        from r
    """)


def _families(g) -> None:
    # Family groups: ~15% of subscribers in groups of 2-5, formed within a region.
    g.sql("""
        create table fam_cand as
        select sid, row_number() over (order by region_code, uu(sid, 3, 2), sid) - 1 as rn
        from p_attr
        where type0 <> 'enterprise' and uu(sid, 3, 1) < case when age between 25 and 65 then 0.175 else 0.09 end
    """)
    ncand = g.con.execute("select count(*) from fam_cand").fetchone()[0]
    g.sql(f"""
        create table fam_groups as
        with s as (
            select i::bigint as g,
                   case when uu(i, 3, 3) < 0.38 then 2 when uu(i, 3, 3) < 0.70 then 3
                        when uu(i, 3, 3) < 0.90 then 4 else 5 end as size
            from range({ncand // 2 + 2}) t(i)
        )
        select g, size, sum(size) over (order by g) - size as start_rn from s
    """)
    g.sql(f"""
        create table fam as
        with m as (
            select c.sid, f.g from fam_cand c asof join fam_groups f on c.rn >= f.start_rn
        ),
        n as (select *, count(*) over (partition by g) as members, min(sid) over (partition by g) as head_sid from m)
        select sid, g, head_sid,
               'FG' || lpad(cast(g + 1 as varchar), 8, '0') as family_group_id,
               date '{g.start}' - 30 - cast(floor(uu(g, 3, 4) * 2800) as integer) as group_date
        from n where members >= 2
    """)


def _sub(g) -> None:
    surnames = sql_list(SURNAMES)
    male = sql_list(GIVEN_MALE)
    female = sql_list(GIVEN_FEMALE)
    both = sql_list(GIVEN_MALE + GIVEN_FEMALE)
    districts = sql_list(DISTRICT_SUFFIXES)
    prefixes = sql_list(MSISDN_PREFIXES)
    ns, nm, nf, nb, nd, npx = (len(SURNAMES), len(GIVEN_MALE), len(GIVEN_FEMALE), len(GIVEN_MALE + GIVEN_FEMALE),
                               len(DISTRICT_SUFFIXES), len(MSISDN_PREFIXES))
    # 4-digit number tails: "nice" ones (AAAA, ABCD, DCBA, AABB, ABAB, xAAA) are premium numbers.
    g.sql("""
        create table tails as
        with t as (
            select lpad(cast(i as varchar), 4, '0') as s,
                   (i // 1000)::int as a, (i // 100 % 10)::int as b, (i // 10 % 10)::int as c, (i % 10)::int as d
            from range(10000) r(i)
        )
        select s, ((a = b and b = c and c = d) or (b = a + 1 and c = b + 1 and d = c + 1)
                   or (b = a - 1 and c = b - 1 and d = c - 1) or (a = b and c = d and a <> c)
                   or (a = c and b = d and a <> b) or (b = c and c = d and a <> b)) as nice
        from t
    """)
    g.sql("""
        create table tail_nice as select s, row_number() over (order by s) - 1 as i from tails where nice;
        create table tail_plain as select s, row_number() over (order by s) - 1 as i from tails where not nice;
    """)
    k_plain = g.con.execute("select count(*) from tail_plain").fetchone()[0]
    k_nice = g.con.execute("select count(*) from tail_nice").fetchone()[0]
    g.msisdn_space = npx * 10000 * k_plain
    g.k_plain, g.k_nice = k_plain, k_nice
    weights = " + ".join(f"(ascii(substr(c17, {i + 1}, 1)) - 48) * {w}"
                         for i, w in enumerate((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)))
    g.sql(f"""
        create table sub_core as
        with a as (
            select p.*, f.g as fam_g, f.head_sid, f.family_group_id, f.group_date,
                   case when f.sid is not null then 'family' else p.type0 end as customer_type,
                   logistic(1.7 * p.z) as value_pct
            from p_attr p left join fam f using (sid)
        )
        select a.*,
               cast({KEY_BASE} + sid * {KEY_STEP} + hh(sid, 4, 1) % {KEY_STEP} as varchar) as subscriber_id,
               -- device: 5G handsets skew young, high value and recent joiners
               uu(sid, 4, 2) < least(0.97, greatest(0.03,
                   0.56 + 0.40 * (value_pct - 0.5)
                   + case when age < 30 then 0.14 when age < 45 then 0.07 when age < 60 then -0.06 else -0.25 end
                   + case when join_m >= 0 then 0.10 else 0 end)) as dev0,
               uu(sid, 4, 4) < 0.006 + 0.022 * value_pct + case when tenure_y > 8 then 0.008 else 0 end as is_premium,
               uu(sid, 4, 5) < case when open_date < date '2013-09-01' then 0.90 else 0.995 end as is_realname_verified,
               case when uu(sid, 4, 6) < 0.008 then 'suspected_fraud' when uu(sid, 4, 6) < 0.0105 then 'blacklisted'
                    else 'none' end as risk_flag,
               uu(sid, 4, 7) < 0.86 as consent0,
               uu(sid, 4, 8) < 0.035 + case when age > 55 then 0.06 else 0 end as dnd_flag,
               uu(sid, 4, 9) < case city_tier when 4 then 0.15 when 3 then 0.08 else 0.05 end as bad_cov,
               -- name: surname Zipf-like, shared with the family head for most members
               {surnames}[1 + cast(floor({ns} * pow(uu(coalesce(case when uu(sid, 4, 10) < 0.7 then head_sid end, sid), 4, 11), 2.2)) as integer)]
                 || case gender when 'M' then {male}[1 + cast(floor({nm} * uu(sid, 4, 12)) as integer)]
                                when 'F' then {female}[1 + cast(floor({nf} * uu(sid, 4, 12)) as integer)]
                                else {both}[1 + cast(floor({nb} * uu(sid, 4, 12)) as integer)] end
                 || case when uu(sid, 4, 13) < 0.72 then
                      case gender when 'M' then {male}[1 + cast(floor({nm} * uu(sid, 4, 14)) as integer)]
                                  when 'F' then {female}[1 + cast(floor({nf} * uu(sid, 4, 14)) as integer)]
                                  else {both}[1 + cast(floor({nb} * uu(sid, 4, 14)) as integer)] end
                    else '' end as customer_name,
               div4 || {districts}[1 + cast(floor({nd} * uu(sid, 4, 15)) as integer)]
                 || strftime(birth_date, '%Y%m%d')
                 || lpad(cast(cast(floor(uu(sid, 4, 16) * 100) as integer) as varchar), 2, '0')
                 || cast(case gender when 'M' then 1 + 2 * cast(floor(uu(sid, 4, 17) * 5) as integer)
                                     when 'F' then 2 * cast(floor(uu(sid, 4, 17) * 5) as integer)
                                     else cast(floor(uu(sid, 4, 17) * 10) as integer) end as varchar) as c17
        from a
    """)
    g.sql(f"""
        create table sub_ident as
        with c as (
            select sid, is_premium, c17,
                   ({weights}) % 11 as chk,
                   case when is_premium then row_number() over (partition by is_premium order by sid) - 1 end as prank,
                   (sid * 982451653 + {g.seed % 1000003} * 7919) % {g.msisdn_space} as n
            from sub_core
        ),
        p as (
            select c.*,
                   case when is_premium then prank % {npx} else n % {npx} end as px,
                   case when is_premium then prank // {npx} else n // {npx} end as q
            from c
        )
        select sid,
               c17 || substr('10X98765432', chk + 1, 1) as cert_id,
               {prefixes}[1 + px]
                 || case when is_premium
                         then lpad(cast(((q // {k_nice}) * 7 + {g.seed % 10000}) % 10000 as varchar), 4, '0') || tn.s
                         else lpad(cast(q // {k_plain} as varchar), 4, '0') || tp.s end as msisdn
        from p
        left join tail_nice tn on p.is_premium and tn.i = p.q % {k_nice}
        left join tail_plain tp on not p.is_premium and tp.i = p.q % {k_plain}
    """)
    # Products held at the start (or at joining): plan, broadband / converged, contract, VAS, benefits, V-net.
    g.sql(f"""
        create table sub_prod as
        with a as (
            select c.*,
                   uu(sid, 5, 1) < case when dev0 then 0.38 else 0.04 end as is5g_plan,
                   logistic(1.7 * (z + 0.55 * nn(sid, 5, 2)) / 1.14) as plan_q,
                   uu(sid, 5, 3) < (case customer_type when 'family' then 0.58 when 'enterprise' then 0.14
                                        else case when age between 25 and 60 then 0.24 else 0.12 end end)
                                 * (0.3 + 1.4 * value_pct)
                                 * case when join_m >= 0 then 0.5 else 1.0 end as has_bb
            from sub_core c
        ),
        p as (
            select a.*, pc.product_id as plan_pick
            from a asof join plan_cum pc on pc.network = case when a.is5g_plan then '5g' else '4g' end and a.plan_q >= pc.lo
        ),
        b as (
            select p.*, bc.product_id as bb_pick
            from p asof join bb_cum bc on uu(p.sid, 5, 4) >= bc.lo
        )
        select b.sid,
               case when has_bb and (is5g_plan or value_pct > 0.65) and uu(sid, 5, 5) < 0.38
                         and (select count(*) from ref_products where product_type = 'converged') > 0
                    then (select min(product_id) from ref_products where product_type = 'converged'
                          and monthly_fee = (select min(monthly_fee) from ref_products where product_type = 'converged'))
                    else plan_pick end as plan0,
               case when has_bb and not ((is5g_plan or value_pct > 0.65) and uu(sid, 5, 5) < 0.38
                         and (select count(*) from ref_products where product_type = 'converged') > 0)
                    then bb_pick end as bb_product,
               has_bb
        from b
    """)


def _timeline(g) -> None:
    M = g.months
    start = g.start
    causes_case = _cause_case()
    g.sql(f"""
        create table sub as
        select c.sid, c.idx, c.join_m, c.age, c.open_date as open_date0, c.tenure_y, c.birth_date,
               c.region_code, c.city_tier, c.gender, c.customer_type, c.z, c.value_pct, c.family_group_id,
               c.group_date, c.subscriber_id, c.dev0, c.is_premium, c.is_realname_verified, c.risk_flag,
               c.consent0, c.dnd_flag, c.bad_cov, c.customer_name, i.cert_id, i.msisdn,
               p.plan0, p.bb_product, p.has_bb,
               pr.network as plan0_network, pr.monthly_fee as plan0_fee
        from sub_core c join sub_ident i using (sid) join sub_prod p using (sid)
        join ref_products pr on pr.product_id = p.plan0
    """)
    # churn month (geometric with a subscriber-specific hazard), cause and its trail month
    g.sql(f"""
        create table tl_churn as
        with h as (
            select sid, join_m, tenure_y, customer_type, value_pct, bad_cov, risk_flag,
                   (case when join_m >= 0 or tenure_y < 1 then 1.8 when tenure_y < 3 then 1.25
                         when tenure_y > 10 then 0.6 else 1.0 end)
                   * (case customer_type when 'enterprise' then 0.6 when 'family' then 0.7 else 1.0 end)
                   * (case when value_pct < 0.3 then 1.3 when value_pct > 0.8 then 0.8 else 1.0 end)
                   * (case when bad_cov then 1.3 else 1.0 end) as hm
            from sub
        ),
        k as (
            select *, greatest(join_m + 1, 0) + geo(uu(sid, 6, 1), least(0.5, {CHURN_RATE} * hm / avg(hm) over ()))
                   as cm_raw
            from h
        ),
        w as (
            select *, case when cm_raw < {M} then cm_raw::integer end as churn_m,
                   case when join_m < 0 and tenure_y >= 1.3 then 0.17 else 0 end as w_ce,
                   0.15 as w_on, 0.20 as w_fu, 0.11 as w_uc,
                   case when bad_cov then 0.45 else 0.06 end as w_dc,
                   case when value_pct < 0.4 then 0.22 else 0.10 end as w_ps,
                   0.11 as w_ot
            from k
        ),
        c as (
            select *,
                   case when churn_m is not null then {causes_case.format(u='uu(sid, 6, 2)')} end as churn_cause,
                   case when churn_m is null and uu(sid, 6, 3) < {PSEUDO_TRAIL_RATE * (M + 1) / 12.0}
                        then {causes_case.format(u='uu(sid, 6, 4)').replace('w_ce', '0').replace('w_ot', '0')} end
                     as pseudo_cause
            from w
        )
        select sid, join_m, churn_m, churn_cause,
               coalesce(churn_cause, pseudo_cause) as trail_cause,
               case when churn_m is not null then churn_m
                    when pseudo_cause is not null then 1 + cast(floor(uu(sid, 6, 5) * {M + 1}) as integer) end as trail_m,
               risk_flag
        from c
    """)
    g.sql(f"""
        create table tl_close as
        with c as (
            select t.*, mo.ms as cms, mo.ndays as cnd, uu(sid, 7, 1) as ur
            from tl_churn t left join months mo on mo.m = t.churn_m
        ),
        r as (
            select *,
                   case when churn_m is null then null
                        when churn_cause = 'other' and risk_flag <> 'none' then 'fraud'
                        when churn_cause = 'contract_expiry' then case when ur < 0.55 then 'port_out' else 'voluntary' end
                        when churn_cause = 'off_net' then case when ur < 0.75 then 'port_out' else 'voluntary' end
                        when churn_cause = 'falling_usage' then case when ur < 0.2 then 'port_out' when ur < 0.9
                             then 'voluntary' else 'other' end
                        when churn_cause = 'unresolved_complaints' then case when ur < 0.5 then 'port_out'
                             when ur < 0.95 then 'voluntary' else 'other' end
                        when churn_cause = 'dropped_calls' then case when ur < 0.7 then 'port_out' else 'voluntary' end
                        when churn_cause = 'price_sensitive' then case when ur < 0.35 then 'non_payment'
                             when ur < 0.75 then 'port_out' else 'voluntary' end
                        else case when ur < 0.5 then 'voluntary' when ur < 0.75 then 'port_out'
                                  when ur < 0.9 then 'other' else 'non_payment' end
                   end as reason0
            from c
        )
        select sid, churn_m, churn_cause, trail_cause, trail_m,
               case when reason0 = 'non_payment' and churn_m - 1 <= join_m then 'voluntary' else reason0 end
                 as close_reason,
               case when churn_m is not null then cms + 1 + cast(floor(uu(sid, 7, 2) * (cnd - 1)) as integer) end
                 as close_date
        from r
    """)
    # win-backs, suspensions (non-payment episodes that end, and the one before a non_payment closure)
    g.sql(f"""
        create table tl_events as
        with a as (
            select c.*, s.join_m, s.open_date0,
                   case when close_reason in ('port_out', 'voluntary') and uu(sid, 8, 1) < {WINBACK_RATE}
                        then churn_m + 2 + cast(floor(uu(sid, 8, 2) * 5) as integer) end as wb_m_raw,
                   greatest(join_m + 1, 0) + cast(floor(uu(sid, 8, 3) * ({M} - greatest(join_m + 1, 0))) as integer)
                     as susp_s,
                   case when uu(sid, 8, 4) < 0.4 then 2 else 1 end as susp_d
            from tl_close c join sub s using (sid)
        ),
        b as (
            select a.*,
                   uu(sid, 8, 5) < {SUSPENSION_RATE_YEAR * max(M, 1) / 12.0} and susp_s < {M}
                     and (churn_m is null or churn_m > susp_s + susp_d + 1) as has_episode
            from a
        )
        select b.sid, b.churn_m, b.churn_cause, b.trail_cause, b.trail_m, b.close_reason, b.close_date,
               case when wb_m_raw < {M} then wb_m_raw end as winback_m,
               case when wb_m_raw < {M} then mw.ms + cast(floor(uu(sid, 8, 6) * mw.ndays) as integer) end
                 as winback_date,
               case when close_reason = 'non_payment'
                        then (date '{start}' + to_months(churn_m - 1))::date + 7 + cast(floor(uu(sid, 8, 7) * 15) as integer)
                    when has_episode then ms_s.ms + 9 + cast(floor(uu(sid, 8, 8) * 15) as integer) end as susp_from,
               case when close_reason = 'non_payment' then close_date
                    when has_episode and susp_s + susp_d < {M}
                        then (date '{start}' + to_months(susp_s + susp_d))::date + cast(floor(uu(sid, 8, 9) * 18) as integer)
               end as susp_to,
               case when close_reason = 'non_payment' then 'prechurn' when has_episode then 'episode' end as susp_kind
        from b
        left join months mw on mw.m = b.wb_m_raw
        left join months ms_s on ms_s.m = b.susp_s and b.has_episode
    """)
    _contracts_and_naturals(g)


def _cause_case() -> str:
    """A CASE picking a cause by weights w_ce..w_ot with uniform {u}."""
    ws = ["w_ce", "w_on", "w_fu", "w_uc", "w_dc", "w_ps", "w_ot"]
    total = " + ".join(ws)
    parts = []
    acc = []
    for cause, w in zip(CAUSES, ws):
        acc.append(w)
        parts.append(f"when {{u}} * ({total}) < {' + '.join(acc)} then '{cause}'")
    return "case " + " ".join(parts[:-1]) + f" else '{CAUSES[-1]}' end"


def _contracts_and_naturals(g) -> None:
    M = g.months
    start = g.start
    g.sql(f"""
        create table tl_contract as
        with a as (
            select s.sid, s.join_m, s.open_date0, s.value_pct, s.plan0_network, s.tenure_y, e.trail_cause, e.trail_m,
                   e.churn_m,
                   uu(s.sid, 9, 1) as u_has, uu(s.sid, 9, 2) as u_long, uu(s.sid, 9, 3) as u_end
            from sub s join tl_events e using (sid)
        ),
        b as (
            select a.*,
                   case when (plan0_network = '5g' or value_pct > 0.6) then u_long < 0.55 else u_long < 0.25 end as want_long,
                   case
                     -- contract_expiry trail: the contract ended 1-2 months before the trail month
                     when trail_cause = 'contract_expiry' then true
                     when join_m >= 0 then u_has < 0.25
                     else tenure_y >= 1 and u_has < 0.20 + 0.18 * value_pct + case when plan0_network = '5g' then 0.08 else 0 end
                   end as has_ct
            from a
        ),
        c as (
            select b.*, cl.product_id as ct_product, rp.contract_months as ct_months
            from b
            join contract_list cl on cl.i = case when want_long then cl.n - 1 else 0 end
            join ref_products rp on rp.product_id = cl.product_id
            where has_ct
        ),
        d as (
            select c.*,
                   case
                     when trail_cause = 'contract_expiry' then
                       (date '{start}' + to_months(trail_m - 1 - case when uu(sid, 9, 4) < 0.45 then 1 else 0 end))::date
                         + cast(floor(u_end * 27) as integer)
                     when join_m >= 0 then (open_date0 + to_months(ct_months))::date - 1
                     else date '{start}' - 75 + cast(floor(u_end * (ct_months * 30.4)) as integer)
                   end as ct_end0
            from c
        )
        select sid, ct_product, ct_months, ct_end0,
               (ct_end0 + 1 - to_months(ct_months))::date as ct_start0,
               trail_cause, churn_m
        from d
    """)
    # contract_expiry trails need the subscriber to be older than the contract: move the open date back
    g.sql(f"""
        create table tl_open as
        select s.sid,
               case when c.ct_start0 is not null and c.ct_start0 < s.open_date0 and s.join_m < 0
                         and c.trail_cause = 'contract_expiry'
                    then c.ct_start0 - 20 - cast(floor(uu(s.sid, 9, 5) * 900) as integer)
                    else s.open_date0 end as open_date
        from sub s left join tl_contract c using (sid)
    """)
    g.sql(f"""
        create table tl as
        select s.sid, s.subscriber_id, s.join_m, o.open_date, e.churn_m, e.churn_cause, e.trail_cause, e.trail_m,
               e.close_reason, e.close_date, e.winback_m, e.winback_date, e.susp_from, e.susp_to, e.susp_kind,
               case when c.ct_start0 >= o.open_date or c.trail_cause = 'contract_expiry' then c.ct_product end
                 as ct_product,
               case when c.ct_start0 >= o.open_date or c.trail_cause = 'contract_expiry' then c.ct_start0 end
                 as ct_start0,
               case when c.ct_start0 >= o.open_date or c.trail_cause = 'contract_expiry' then c.ct_end0 end as ct_end0,
               -- natural renewal of a contract that ends inside the window (not for contract_expiry trails)
               case when c.ct_end0 between date '{start}' and date '{g.window_end}'
                         and coalesce(c.trail_cause, '') <> 'contract_expiry' and uu(s.sid, 10, 1) < 0.35
                    then greatest(date '{start}', c.ct_end0 - cast(floor(uu(s.sid, 10, 2) * 20) as integer)) end
                 as nat_renew_date,
               -- 5G device bought during the window
               case when not s.dev0 then greatest(s.join_m, 0) + geo(uu(s.sid, 10, 3), 0.008) end as dev_m_raw,
               -- opt-out of marketing during the window
               case when s.consent0 and uu(s.sid, 10, 4) < 0.035 * {M} / 12.0
                    then greatest(s.join_m, 0) + cast(floor(uu(s.sid, 10, 5) * ({M} - greatest(s.join_m, 0))) as integer)
               end as optout_m,
               -- natural (uncontacted) product events, month index
               case when s.plan0_network = '4g'
                    then greatest(s.join_m + 1, 0) + geo(uu(s.sid, 10, 6), case when s.dev0 then 0.004 else 0.001 end)
               end as nat5g_m,
               case when not s.has_bb then greatest(s.join_m + 1, 0) + geo(uu(s.sid, 10, 7), 0.0015) end as natbb_m,
               greatest(s.join_m + 1, 0) + geo(uu(s.sid, 10, 8), 0.003) as natvas_m,
               greatest(s.join_m + 1, 0) + geo(uu(s.sid, 10, 9), 0.002) as natben_m
        from sub s join tl_open o using (sid) join tl_events e using (sid) left join tl_contract c using (sid)
    """)
