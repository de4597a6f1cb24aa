"""Complaint tickets and inbound contacts (tables `cmp_all`, `contacts_all`).

About 0.5-1% of subscribers complain in a month. Network complaints concentrate in bad-coverage
subscribers and dropped-call trails, billing complaints in bill-shock trails and suspensions,
marketing-harassment complaints follow contacts to do-not-disturb subscribers. Subscribers on an
unresolved-complaints trail get tickets that stay unresolved in the 1-2 months before they leave.
Satisfaction is lower when a ticket is not resolved.
"""
from __future__ import annotations

CATEGORY_RESOLVE = {"network": 0.70, "billing": 0.85, "service": 0.85, "product": 0.85,
                    "marketing_harassment": 0.90, "fraud": 0.75, "other": 0.85}


def build(g) -> None:
    we = g.window_end
    resolve_case = "(case category " + " ".join(
        f"when '{c}' then {p}" for c, p in CATEGORY_RESOLVE.items()) + " else 0.85 end)"
    g.sql(f"""
        create table cmp_raw as
        with r as (
            select sm.sid, sm.m, sm.svc_lo, sm.svc_hi, sm.k, sm.trail_cause, s.bad_cov, s.risk_flag,
                   0.0006 + case when s.bad_cov then 0.016 else 0 end
                     + case when sm.trail_cause = 'dropped_calls' and sm.k between 1 and 3 then 0.08 else 0 end as w_net,
                   0.0006 + case when sm.trail_cause = 'price_sensitive' and sm.k between 1 and 2 then 0.05 else 0 end
                     + case when coalesce(sm.in_susp, false) or coalesce(sm.susp_next, false) then 0.03 else 0 end as w_bill,
                   0.0005 as w_serv, 0.0003 as w_prod, 0.00015 as w_mh, 0.0003 as w_oth,
                   0.00005 + case when s.risk_flag <> 'none' then 0.015 else 0 end as w_fraud
            from sm join sub s using (sid)
            where sm.svc_lo is not null
        ),
        p as (
            select r.*, w_net + w_bill + w_serv + w_prod + w_mh + w_oth + w_fraud as w_all from r
        ),
        n as (
            select p.*, j.j from p cross join (values (0), (1)) j(j)
            where uu(p.sid, p.m, 50) < case when j.j = 0 then w_all else w_all * 0.2 end
        )
        select sid, m, j, svc_lo, svc_hi,
               case when uu(sid, m * 10 + j, 51) * w_all < w_net then 'network'
                    when uu(sid, m * 10 + j, 51) * w_all < w_net + w_bill then 'billing'
                    when uu(sid, m * 10 + j, 51) * w_all < w_net + w_bill + w_serv then 'service'
                    when uu(sid, m * 10 + j, 51) * w_all < w_net + w_bill + w_serv + w_prod then 'product'
                    when uu(sid, m * 10 + j, 51) * w_all < w_net + w_bill + w_serv + w_prod + w_mh
                      then 'marketing_harassment'
                    when uu(sid, m * 10 + j, 51) * w_all < w_net + w_bill + w_serv + w_prod + w_mh + w_oth then 'other'
                    else 'fraud' end as category,
               false as forced_open
        from n
        union all
        -- unresolved-complaints trail: an open ticket in the month before, often one more two months before
        select sm.sid, sm.m, 2 as j, sm.svc_lo, sm.svc_hi,
               case when uu(sm.sid, sm.m, 52) < 0.4 then 'service' when uu(sm.sid, sm.m, 52) < 0.7 then 'billing'
                    when uu(sm.sid, sm.m, 52) < 0.9 then 'network' else 'product' end,
               true
        from sm
        where sm.trail_cause = 'unresolved_complaints' and sm.svc_lo is not null
          and (sm.k = 1 or (sm.k = 2 and uu(sm.sid, sm.m, 53) < 0.4))
        union all
        -- marketing harassment after a contact to a do-not-disturb subscriber
        select c.sid, c.m, 3 as j, c.contact_at::date, c.svc_hi, 'marketing_harassment', false
        from mk_contacts c join sub s using (sid)
        where s.dnd_flag and uu(c.sid, hash(c.camp, c.m), 54) < 0.12
    """)
    g.sql(f"""
        create table cmp_all as
        with t as (
            select r.*,
                   (case when j = 3 then least(svc_hi, svc_lo + cast(floor(uu(sid, m * 10 + j, 55) * 3) as integer))
                         else svc_lo + cast(floor(uu(sid, m * 10 + j, 55) * (svc_hi - svc_lo + 1)) as integer) end)::timestamp
                     + to_seconds(cast(28800 + floor(uu(sid, m * 10 + j, 56) * 50400) as bigint)) as created_at,
                   uu(sid, m * 10 + j, 57) as u_res, uu(sid, m * 10 + j, 58) as u_sev,
                   uu(sid, m * 10 + j, 59) as u_cl, uu(sid, m * 10 + j, 60) as u_sat, uu(sid, m * 10 + j, 61) as u_sv
            from cmp_raw r
        ),
        c as (
            select t.*, sc.code as channel_code,
                   not forced_open and u_res < {resolve_case} as resolved0
            from t asof join service_chan_cum sc on sc.grp = 'all' and uu(t.sid, t.m * 10 + t.j, 62) >= sc.lo
        ),
        d as (
            select c.*,
                   case when resolved0
                        then created_at + to_seconds(cast(least(20 * 86400, 3600 * exp(1.5 + 1.2 * nn(sid, m * 10 + j, 63)))
                                                          as bigint))
                        when u_cl < 0.4 then created_at + to_seconds(cast((3 + 12 * u_sv) * 86400 as bigint))
                   end as closed0
            from c
        )
        select sid, m, created_at,
               category,
               case when category in ('network', 'fraud')
                    then case when u_sev < 0.30 then 'high' when u_sev < 0.75 then 'medium' else 'low' end
                    else case when u_sev < 0.08 then 'high' when u_sev < 0.50 then 'medium' else 'low' end
               end as severity,
               channel_code,
               case when closed0 <= timestamp '{we} 23:59:59' then closed0 end as closed_at,
               resolved0 and closed0 <= timestamp '{we} 23:59:59' as is_resolved,
               case when closed0 > timestamp '{we} 23:59:59' or closed0 is null then null
                    when resolved0 and u_sat < 0.7 then
                         case when u_sv < 0.45 then 5 when u_sv < 0.75 then 4 when u_sv < 0.90 then 3
                              when u_sv < 0.97 then 2 else 1 end
                    when not resolved0 and u_sat < 0.6 then
                         case when u_sv < 0.55 then 1 when u_sv < 0.85 then 2 else 3 end
               end::integer as satisfaction_score
        from d
    """)
    # inbound touches: one per complaint, plus inquiries (more in the month before leaving)
    g.sql(f"""
        create table inbound as
        select sid, m, created_at as contact_at, channel_code from cmp_all
        union all
        select x.sid, x.m,
               (x.svc_lo + cast(floor(uu(x.sid, x.m, 65) * (x.svc_hi - x.svc_lo + 1)) as integer))::timestamp
                 + to_seconds(cast(28800 + floor(uu(x.sid, x.m, 66) * 46800) as bigint)),
               sc.code
        from mx x asof join service_chan_cum sc on sc.grp = 'all' and uu(x.sid, x.m, 67) >= sc.lo
        where uu(x.sid, x.m, 64) < 0.035 + case when x.k = 1 then 0.15 else 0 end
                                   + case when x.trail_cause = 'price_sensitive' and x.k between 1 and 2 then 0.05 else 0 end
    """)
    g.sql("""
        create table contacts_all as
        select sid, m, contact_at, channel_code, 'outbound' as direction, campaign_id, product_id, outcome
        from mk_contacts
        union all
        select sid, m, contact_at, channel_code, 'inbound', null, null, 'responded' from inbound
    """)
