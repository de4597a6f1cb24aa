"""Subscriber-month states (table `sm`) and per-subscriber behaviour parameters (table `upar`).

`sm` has one row per subscriber per month in which the subscriber is in the month-end CRM
snapshot: status, status date, the service interval (days with possible usage), the billable
interval and the trail offset k = trail_m - m (k = 3, 2, 1 are the months before a churn).
"""
from __future__ import annotations


def build(g) -> None:
    g.sql("""
        create table sm as
        with x as (
            select t.sid, t.join_m, t.open_date, t.churn_m, t.close_date, t.close_reason, t.winback_m,
                   t.winback_date, t.susp_from, t.susp_to, t.susp_kind, t.trail_cause, t.trail_m,
                   mo.m, mo.ms, mo.me, mo.ndays,
                   (t.susp_from <= mo.me and (t.susp_to is null or t.susp_to > mo.me)) as susp_at_end,
                   (t.susp_from < mo.ms and (t.susp_to is null or t.susp_to > mo.me)) as susp_all_month
            from tl t cross join months mo
            where t.open_date <= mo.me
              and (t.churn_m is null or mo.m <= t.churn_m or (t.winback_m is not null and mo.m >= t.winback_m))
        ),
        y as (
            select x.*,
                   case when m = churn_m then 'closed' when coalesce(susp_at_end, false) then 'suspended'
                        else 'active' end as status,
                   case when m = churn_m then close_date
                        when coalesce(susp_at_end, false) then susp_from
                        else greatest(open_date,
                                      case when susp_kind = 'episode' and susp_to <= me then susp_to end,
                                      case when winback_date <= me then winback_date end) end as status_date,
                   greatest(ms, open_date, case when m = winback_m then winback_date end,
                            case when susp_to > ms and susp_to <= me then susp_to end) as lo0,
                   least(me, case when m = churn_m then close_date - 1 end,
                         case when susp_from between ms and me then susp_from - 1 end) as hi0,
                   greatest(ms, open_date, case when m = winback_m then winback_date end) as bill_lo,
                   least(me, case when m = churn_m then close_date - 1 end) as bill_hi
            from x
        )
        select sid, m, ms, me, ndays, status, status_date,
               case when status = 'closed' then close_reason end as close_reason,
               case when lo0 <= hi0 and not coalesce(susp_all_month, false) then lo0 end as svc_lo,
               case when lo0 <= hi0 and not coalesce(susp_all_month, false) then hi0 end as svc_hi,
               greatest(0, bill_hi - bill_lo + 1)::double / ndays as bill_frac,
               -- trail offset; a false-alarm trail (no churn) is over once its month is reached
               case when trail_m is not null and (churn_m is not null or trail_m - m >= 1) then trail_m - m end as k,
               trail_cause,
               (susp_kind is not null and (
                   (susp_from between ms and me) or coalesce(susp_at_end, false)
                   or (susp_from < ms and susp_to between ms and me))) as in_susp,
               (susp_from between (ms + to_months(1))::date and last_day((ms + to_months(1))::date)) as susp_next
        from y
        order by m
    """)
    # behaviour parameters (static per subscriber)
    g.sql("""
        create table upar as
        with p as (
            select s.sid, s.age, s.value_pct, s.bad_cov,
                   uu(s.sid, 20, 1) as u1, uu(s.sid, 20, 2) as u2,
                   nn(s.sid, 20, 3) as n3, nn(s.sid, 20, 4) as n4, nn(s.sid, 20, 5) as n5
            from sub s
        ),
        pc as (
            select p.sid, pc.code as pref_channel
            from p asof join pref_cum pc
              on pc.grp = case when p.age < 35 then 'young' when p.age < 55 then 'mid' else 'old' end
             and uu(p.sid, 20, 6) >= pc.lo
        )
        select p.sid,
               case when u1 < 0.10 then 0.15 + 0.35 * u2 else 0.62 + 0.36 * pow(u2, 0.6) end as p_act,
               exp(0.55 * n3 - 0.50 + 0.25 * (value_pct - 0.5)) as voice_util,
               exp(0.72 * n4 - 0.62 + 0.40 * (value_pct - 0.5)
                   + case when age < 30 then 0.25 when age > 60 then -0.45 else 0 end) as data_util,
               0.6 + 0.6 * uu(p.sid, 20, 7) as in_ratio,
               1.6 + 2.6 * uu(p.sid, 20, 8) as call_len,
               0.05 + 1.2 * pow(uu(p.sid, 20, 9), 2) as sms_level,
               0.45 + 0.45 * uu(p.sid, 20, 10) as share_5g,
               uu(p.sid, 20, 11) < 0.02 + 0.30 * pow(value_pct, 3) as traveler,
               case when bad_cov then 0.045 else 0.004 end as drop_rate,
               exp(2.9 + 0.45 * n5) as circle0,
               least(0.95, greatest(0.25, 0.64 + 0.10 * nn(p.sid, 20, 12))) as on_share0,
               pc.pref_channel
        from p join pc using (sid)
    """)


# Trail effects by cause and k = trail month - month (k = 0 is the churn month itself).
def usage_mult_sql(k: str = "k", cause: str = "trail_cause") -> str:
    return f"""(case
        when {cause} = 'falling_usage' then case {k} when 3 then 0.85 when 2 then 0.62 when 1 then 0.40 when 0 then 0.25 else 1.0 end
        when {cause} = 'off_net' then case {k} when 2 then 0.92 when 1 then 0.82 when 0 then 0.75 else 1.0 end
        when {cause} = 'unresolved_complaints' then case {k} when 1 then 0.85 when 0 then 0.8 else 1.0 end
        else 1.0 end)"""


def act_mult_sql(k: str = "k", cause: str = "trail_cause") -> str:
    return f"""(case
        when {cause} = 'falling_usage' then case {k} when 3 then 0.95 when 2 then 0.82 when 1 then 0.62 when 0 then 0.50 else 1.0 end
        when {cause} = 'off_net' then case {k} when 1 then 0.9 when 0 then 0.85 else 1.0 end
        else 1.0 end)"""


def data_burst_sql(k: str = "k", cause: str = "trail_cause") -> str:
    """Price-sensitive trail: data use far above the quota (bill shock) in the two months before."""
    return f"""(case when {cause} = 'price_sensitive' then case {k} when 2 then 2.1 when 1 then 2.5 else 1.0 end
                else 1.0 end)"""


def drop_mult_sql(k: str = "k", cause: str = "trail_cause") -> str:
    return f"""(case when {cause} = 'dropped_calls' then case {k} when 3 then 3.0 when 2 then 5.0 when 1 then 7.0
                when 0 then 7.0 else 1.0 end else 1.0 end)"""


def offnet_add_sql(k: str = "k", cause: str = "trail_cause") -> str:
    return f"""(case when {cause} = 'off_net' then case {k} when 3 then 0.15 when 2 then 0.28 when 1 then 0.40
                when 0 then 0.45 else 0.0 end else 0.0 end)"""
