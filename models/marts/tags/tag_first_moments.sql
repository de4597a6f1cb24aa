{#- First moments (首次时刻): the month a subscriber first uses 5G data, roaming, a
    value-added service, or first holds broadband. "First" means not in any earlier
    month of the subscriber in the lifecycle view; a subscriber's first month in the
    view counts only when it joined that month (tenure 0), since history before the
    landed data is unknown (null rather than wrong). -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

histories as (

    select
        subscriber_key,
        report_month as tag_month,
        tenure_months,
        coalesce(data_5g_mb, 0) > 0 as uses_5g,
        coalesce(roaming_minutes, 0) > 0 as roams,
        coalesce(vas_events, 0) > 0 as uses_vas,
        coalesce(has_broadband, false) as holds_broadband,
        count(*) over (
            partition by subscriber_key order by report_month
            rows between unbounded preceding and 1 preceding
        ) as earlier_months,
        max(case when coalesce(data_5g_mb, 0) > 0 then 1 else 0 end) over (
            partition by subscriber_key order by report_month
            rows between unbounded preceding and 1 preceding
        ) as used_5g_before,
        max(case when coalesce(roaming_minutes, 0) > 0 then 1 else 0 end) over (
            partition by subscriber_key order by report_month
            rows between unbounded preceding and 1 preceding
        ) as roamed_before,
        max(case when coalesce(vas_events, 0) > 0 then 1 else 0 end) over (
            partition by subscriber_key order by report_month
            rows between unbounded preceding and 1 preceding
        ) as used_vas_before,
        max(case when has_broadband then 1 else 0 end) over (
            partition by subscriber_key order by report_month
            rows between unbounded preceding and 1 preceding
        ) as held_broadband_before
    from subscriber_months

),

known as (

    select
        *,
        earlier_months > 0 or tenure_months = 0 as has_known_history
    from histories

),

final as (

    select
        subscriber_key,
        tag_month,
        case when has_known_history then uses_5g and coalesce(used_5g_before, 0) = 0 end as moment_first_5g,
        case when has_known_history then roams and coalesce(roamed_before, 0) = 0 end as moment_first_roaming,
        case when has_known_history then uses_vas and coalesce(used_vas_before, 0) = 0 end as moment_first_vas,
        case
            when has_known_history then holds_broadband and coalesce(held_broadband_before, 0) = 0
        end as moment_first_broadband
    from known

)

select * from final
