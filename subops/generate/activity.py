"""Per-month clean rows: subscriber snapshots, daily usage, bills and calling circles.

Each function creates a temp table named w_<table> with the contract columns plus the hidden
columns _sid (integer key, for ordering and defects) and _tb (tie-break, 0 on clean rows).
"""
from __future__ import annotations

from . import states

PRICE_VOICE_MIN = 0.19     # yuan per minute beyond the plan's voice quota
PRICE_DATA_GB = 5          # yuan per started GB beyond the plan's (and data packs') quota
PRICE_SMS = 0.10
PRICE_VAS_EVENT = 0.30
PRICE_ROAMING_MIN = 2.99


def snapshot(g, m: int) -> None:
    g.sql(f"""
        create or replace temp table w_subscribers as
        select sm.ms as snapshot_month, s.subscriber_id, s.msisdn, s.cert_id, s.customer_name, s.gender,
               s.birth_date, t.open_date, sm.status, sm.status_date, sm.close_reason,
               case when pt.order_at::date <= sm.me then pt.plan1 else s.plan0 end as plan_id,
               s.customer_type, s.region_code, a.acquisition_channel, s.is_premium as is_premium_number,
               case when ct.renew_date <= sm.me then ct.ct_end1 else t.ct_end0 end as contract_end_date,
               s.family_group_id,
               s.dev0 or coalesce(t.dev_m_raw <= sm.m, false) as device_5g_capable,
               s.is_realname_verified, s.risk_flag,
               s.consent0 and (t.optout_m is null or sm.m < t.optout_m) as marketing_consent,
               s.dnd_flag,
               sm.sid as _sid, 0::bigint as _tb
        from sm join sub s using (sid) join tl t using (sid) join acq a using (sid)
        left join plan_tl pt using (sid) left join ct_tl ct using (sid)
        where sm.m = {m}
    """)


def usage_query(g, m: int, active: bool = True, prefilter: str = "true") -> str:
    """Daily usage rows of month m: the active days (or, for defects, days in service without activity).

    prefilter is a condition on the subscriber (sid) applied before the days are generated.
    Columns: the contract columns except subscriber_id, then _sid.
    """
    keep = ("sl(h3, 0) < pa * case when dow >= 6 then 0.97 else 1.0 end" if active
            else "not (sl(h3, 0) < pa * case when dow >= 6 then 0.97 else 1.0 end)")
    return f"""
        with p as (
            select sm.sid, sm.m, sm.svc_lo, sm.svc_hi,
                   u.p_act * {states.act_mult_sql('sm.k', 'sm.trail_cause')} as pa,
                   (coalesce(pq.voice_quota_minutes, 300) / 30.0 * u.voice_util + 0.8)
                     * {states.usage_mult_sql('sm.k', 'sm.trail_cause')} as vlev,
                   coalesce(pq.data_quota_mb, 10240) / 30.0 * u.data_util
                     * {states.usage_mult_sql('sm.k', 'sm.trail_cause')}
                     * {states.data_burst_sql('sm.k', 'sm.trail_cause')} as dlev,
                   u.in_ratio, u.call_len, u.sms_level,
                   u.drop_rate * {states.drop_mult_sql('sm.k', 'sm.trail_cause')} as drop_rate,
                   -- 5G share of data before / after a plan change in the month (0 without 5G handset and plan)
                   case when (s.dev0 or coalesce(t.dev_m_raw <= sm.m, false)) and s.plan0_network = '5g'
                        then u.share_5g else 0.0 end as s5_0,
                   case when (s.dev0 or coalesce(t.dev_m_raw <= sm.m, false)) and p1.network = '5g'
                        then u.share_5g else 0.0 end as s5_1,
                   coalesce(pt.order_at::date, date '2999-12-31') as pc_date,
                   case when u.traveler and uu(sm.sid, sm.m, 70) < 0.35
                        then sm.ms + cast(floor(uu(sm.sid, sm.m, 71) * sm.ndays) as integer)
                        else date '2999-12-31' end as trip_lo,
                   2 + cast(floor(uu(sm.sid, sm.m, 72) * 8) as integer) as trip_len,
                   vh.sid is not null as vas_holder
            from sm join sub s using (sid) join upar u using (sid) join tl t using (sid)
            left join plan_tl pt using (sid)
            left join ref_products p1 on p1.product_id = pt.plan1
            join ref_products pq on pq.product_id = case when pt.order_at::date <= sm.me then pt.plan1 else s.plan0 end
            left join (select distinct h.sid from hold h join months mo on mo.m = {m}
                       where h.ptype = 'vas' and h.start_date <= mo.me
                         and coalesce(h.end_date, date '2999-12-31') > mo.ms) vh using (sid)
            where sm.m = {m} and sm.svc_lo is not null and ({prefilter})
        ),
        c as (
            select p.*, d.d as usage_date, d.dow, d.k
            from p join days d on d.m = p.m and d.d between p.svc_lo and p.svc_hi
        ),
        v as (
            select c.*, hh(sid, k, 82) as h3 from c
        ),
        a as (
            select v.*,
                   hh(sid, k, 80) as h1, hh(sid, k, 83) as h4, hh(sid, k, 84) as h5,
                   case when dow = 6 then 0.72 when dow = 7 then 0.62 else 1.12 end as vf,
                   case when dow = 6 then 1.18 when dow = 7 then 1.22 else 0.93 end as df
            from v where {keep}
        ),
        w as (
            select a.*,
                   case when sl(h3, 2) < 0.12 then 0
                        else cast(floor(vlev * vf * exp(0.78 * (sl(h1, 0) + sl(h1, 1) - 1.0) * 1.2247 - 0.15)
                                        + sl(h3, 1)) as integer) end as vo,
                   cast(floor(vlev * in_ratio * vf * (0.5 + sl(h4, 0)) + 0.5) as integer) as vi,
                   round(dlev * df * exp(0.92 * (sl(h1, 2) + sl(h1, 3) - 1.0) * 1.2247 - 0.21), 1) as dmb
            from a
        )
        select usage_date,
               vo as voice_out_minutes, vi as voice_in_minutes,
               case when vo + vi > 0 then greatest(1, cast(floor((vo + vi) / call_len + sl(h4, 1)) as integer))
                    else 0 end as voice_calls,
               cast(floor(-ln(sl(h3, 3)) * sms_level) as integer) as sms_count,
               dmb as data_mb,
               round(dmb * least(0.98, case when usage_date >= pc_date then s5_1 else s5_0 end
                                       * (0.8 + 0.4 * sl(h4, 3))), 1) as data_5g_mb,
               case when vas_holder then cast(floor(-ln(sl(h5, 1)) * 1.5) as integer)
                    else case when sl(h5, 1) < 0.03 then 1 else 0 end end as vas_events,
               case when usage_date between trip_lo and trip_lo + trip_len - 1
                    then cast(floor(5 + 55 * sl(h5, 0)) as integer) else 0 end as roaming_minutes,
               cast(floor(case when vo + vi > 0 then greatest(1, (vo + vi) / call_len) else 0 end * drop_rate
                          + sl(h4, 2)) as integer) as dropped_calls,
               sid as _sid
        from w
        where {"vo + vi > 0 or dmb > 0" if active else "true"}
    """


USAGE_VIEW_COLUMNS = ("usage_date, sub_id(_sid) as subscriber_id, voice_out_minutes, voice_in_minutes, voice_calls, "
                      "sms_count, data_mb, data_5g_mb, vas_events, roaming_minutes, dropped_calls, _sid, 0::bigint as _tb")


def usage(g, m: int) -> None:
    """w_usage_daily: compact clean rows (no subscriber_id); v_usage_daily adds it in contract order."""
    g.sql(f"create or replace temp table w_usage_rows as {usage_query(g, m)}")
    g.sql(f"create or replace temp view w_usage_daily as select {USAGE_VIEW_COLUMNS} from w_usage_rows")
    g.sql("""
        create or replace temp table w_uagg as
        select _sid as sid, count(*) as days, sum(voice_out_minutes) as vout, sum(voice_in_minutes) as vin,
               sum(voice_calls) as calls, sum(sms_count) as sms, sum(data_mb) as data, sum(data_5g_mb) as data5g,
               sum(vas_events) as vas, sum(roaming_minutes) as roam, sum(dropped_calls) as drops
        from w_usage_rows group by _sid
    """)


def bills(g, m: int) -> None:
    g.sql(f"""
        create or replace temp table w_bills as
        with hf as (
            select h.sid,
                   sum(case when h.ptype in ('broadband', 'family', 'vnet') then p.monthly_fee end) as fixed_fee,
                   sum(case when h.ptype in ('vas', 'benefits') then p.monthly_fee end) as addon_fee,
                   sum(case when h.ptype = 'data_pack' then p.monthly_fee end) as pack_fee,
                   sum(case when h.ptype = 'data_pack' then p.data_quota_mb end) as pack_mb
            from hold h join ref_products p using (product_id) join tl t using (sid) join months mo on mo.m = {m}
            where h.start_date <= mo.me
              and coalesce(h.end_date - 1, h.expire_date, date '2999-12-31') >= mo.ms
              and (t.churn_m is null or mo.m <= t.churn_m or h.start_date >= t.winback_date)
            group by h.sid
        ),
        b as (
            select sm.sid, sm.ms, sm.status, sm.close_reason, sm.k, sm.trail_cause, sm.bill_frac,
                   coalesce(sm.in_susp, false) as in_susp, coalesce(sm.susp_next, false) as susp_next,
                   s.subscriber_id, s.customer_type,
                   pq.monthly_fee::double as plan_fee0, pq.voice_quota_minutes as vq, pq.data_quota_mb as dq,
                   coalesce(hf.fixed_fee, 0)::double as fixed_fee, coalesce(hf.addon_fee, 0)::double as addon_fee,
                   coalesce(hf.pack_fee, 0)::double as pack_fee, coalesce(hf.pack_mb, 0) as pack_mb,
                   coalesce(ua.vout, 0) as vout, coalesce(ua.sms, 0) as sms, coalesce(ua.data, 0) as data,
                   coalesce(ua.vas, 0) as vas, coalesce(ua.roam, 0) as roam,
                   coalesce(case when ct.renew_date <= sm.me then ct.ct_end1 else t.ct_end0 end, date '1900-01-01')
                     >= sm.ms as on_contract
            from sm join sub s using (sid) join tl t using (sid)
            left join plan_tl pt using (sid) left join ct_tl ct using (sid)
            join ref_products pq on pq.product_id = case when pt.order_at::date <= sm.me then pt.plan1 else s.plan0 end
            left join hf using (sid) left join w_uagg ua using (sid)
            where sm.m = {m}
        ),
        f as (
            select b.*,
                   round((plan_fee0 + fixed_fee) * bill_frac, 2)::decimal(12, 2) as plan_fee,
                   round(greatest(0, vout - coalesce(vq, 1e9)) * {PRICE_VOICE_MIN}, 2)::decimal(12, 2) as voice_fee,
                   round(pack_fee + ceil(greatest(0, data - coalesce(dq, 1e12) - pack_mb) / 1024.0) * {PRICE_DATA_GB}, 2)
                     ::decimal(12, 2) as data_fee,
                   round(sms * {PRICE_SMS}, 2)::decimal(12, 2) as sms_fee,
                   round(addon_fee * bill_frac + vas * {PRICE_VAS_EVENT}, 2)::decimal(12, 2) as vas_fee,
                   round(roam * {PRICE_ROAMING_MIN}, 2)::decimal(12, 2) as roaming_fee,
                   case when on_contract then 0.20 when customer_type = 'enterprise' then 0.15
                        when customer_type = 'family' then 0.10 else 0 end as disc_rate,
                   case when uu(sid, {m}, 90) < 0.05 then 10.0 else 0 end as promo
            from b
        ),
        t as (
            select f.*,
                   least(plan_fee, round(plan_fee::double * disc_rate + promo, 2))::decimal(12, 2) as discount_fee
            from f
        ),
        tt as (
            select t.*,
                   (plan_fee + voice_fee + data_fee + sms_fee + vas_fee + roaming_fee - discount_fee)::decimal(12, 2)
                     as total_fee,
                   case when status = 'suspended' or (status = 'closed' and close_reason = 'non_payment') or susp_next
                             or (in_susp and status <> 'active') then 0.0
                        when trail_cause = 'price_sensitive' and k between 1 and 2 and uu(sid, {m}, 91) < 0.55
                          then 0.6 * uu(sid, {m}, 92)
                        when uu(sid, {m}, 93) < 0.015 then 0.9 * uu(sid, {m}, 94)
                        else 1.0 end as pay_ratio
            from t
        )
        select ms as bill_month, subscriber_id, total_fee, plan_fee, voice_fee, data_fee, sms_fee, vas_fee,
               roaming_fee, discount_fee,
               round(total_fee::double * pay_ratio, 2)::decimal(12, 2) as paid_fee,
               (total_fee - round(total_fee::double * pay_ratio, 2)::decimal(12, 2))::decimal(12, 2) as arrears_fee,
               sid as _sid, 0::bigint as _tb
        from tt
    """)


def circles(g, m: int) -> None:
    g.sql(f"""
        create or replace temp table w_circles_monthly as
        with c as (
            select sm.sid, sm.ms, s.subscriber_id,
                   greatest(1, round(u.circle0 * (0.9 + 0.2 * uu(sm.sid, {m}, 95))
                                     * sqrt({states.usage_mult_sql('sm.k', 'sm.trail_cause')})
                                     * pow(least(3.0, u.voice_util), 0.3)))::integer as size,
                   least(0.92, greatest(0.03, 1 - u.on_share0 + {states.offnet_add_sql('sm.k', 'sm.trail_cause')}
                                        + 0.06 * (uu(sm.sid, {m}, 96) - 0.5))) as off_share
            from sm join sub s using (sid) join upar u using (sid) join w_uagg ua on ua.sid = sm.sid
            where sm.m = {m} and ua.calls > 0
        )
        select ms as month, subscriber_id, size as circle_size,
               (size - round(size * off_share))::integer as on_net_contacts,
               round(size * off_share)::integer as off_net_contacts,
               sid as _sid, 0::bigint as _tb
        from c
    """)
