{#- First moments (首次时刻): the month a subscriber first uses 5G data, roaming, a
    value-added service, or first holds broadband. "First" means not in any earlier
    month of the subscriber in the lifecycle view; a subscriber's first month in the
    view counts only when it joined that month (tenure 0), since history before the
    landed data is unknown (null rather than wrong). -#}
with

subscriber_months as {{ not_materialized() }} (

    select * from {{ ref('fct_subscriber_months') }}

),

firsts as (

    {#- each subscriber's first month in the view and of each use: one aggregate pass
        over the history instead of a window sorted by subscriber. "No use before m" and
        "first use in m" both read as first_..._month = m, whatever came after m. -#}
    select
        subscriber_key,
        min(report_month) as first_month,
        min(case when coalesce(data_5g_mb, 0) > 0 then report_month end) as first_5g_month,
        min(case when coalesce(roaming_minutes, 0) > 0 then report_month end) as first_roaming_month,
        min(case when coalesce(vas_events, 0) > 0 then report_month end) as first_vas_month,
        min(case when has_broadband then report_month end) as first_broadband_month
    from subscriber_months
    group by subscriber_key

),

known as (

    select
        subscriber_months.subscriber_key,
        subscriber_months.report_month as tag_month,
        firsts.first_5g_month,
        firsts.first_roaming_month,
        firsts.first_vas_month,
        firsts.first_broadband_month,
        firsts.first_month < subscriber_months.report_month
        or subscriber_months.tenure_months = 0 as has_known_history
    from subscriber_months
    inner join firsts on subscriber_months.subscriber_key = firsts.subscriber_key

),

final as (

    select
        subscriber_key,
        tag_month,
        case when has_known_history then coalesce(first_5g_month = tag_month, false) end as moment_first_5g,
        case when has_known_history then coalesce(first_roaming_month = tag_month, false) end as moment_first_roaming,
        case when has_known_history then coalesce(first_vas_month = tag_month, false) end as moment_first_vas,
        case
            when has_known_history then coalesce(first_broadband_month = tag_month, false)
        end as moment_first_broadband
    from known

)

select * from final
