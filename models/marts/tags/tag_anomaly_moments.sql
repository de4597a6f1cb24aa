{#- Anomaly moments (异动时刻): a swing of usage or of the bill against the subscriber's
    own 3-month baseline, dropped calls rising above their own baseline, a complaint, or
    arrears in the month. Thresholds: vars anomaly_usage_swing_share,
    anomaly_bill_swing_share, anomaly_dropped_calls_min and anomaly_dropped_calls_ratio. -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

dropped_call_baselines as (

    select
        subscriber_key,
        report_month,
        avg(coalesce(dropped_calls, 0)) over (
            partition by subscriber_key order by report_month
            rows between 3 preceding and 1 preceding
        ) as dropped_calls_baseline_3m
    from subscriber_months

),

final as (

    select
        subscriber_months.subscriber_key,
        subscriber_months.report_month as tag_month,
        (
            abs(subscriber_months.mou_baseline_change_share) >= {{ var('anomaly_usage_swing_share') }}
            or abs(subscriber_months.dou_baseline_change_share) >= {{ var('anomaly_usage_swing_share') }}
        ) as moment_usage_swing,
        abs(subscriber_months.arpu_baseline_change_share) >= {{ var('anomaly_bill_swing_share') }}
            as moment_bill_swing,
        case
            when dropped_call_baselines.dropped_calls_baseline_3m is not null
                then (
                    coalesce(subscriber_months.dropped_calls, 0) >= {{ var('anomaly_dropped_calls_min') }}
                    and coalesce(subscriber_months.dropped_calls, 0)
                    >= {{ var('anomaly_dropped_calls_ratio') }} * dropped_call_baselines.dropped_calls_baseline_3m
                )
        end as moment_dropped_calls_rising,
        coalesce(subscriber_months.complaint_count, 0) > 0 as moment_complaint,
        coalesce(subscriber_months.has_arrears, false) as moment_arrears
    from subscriber_months
    inner join dropped_call_baselines
        on
            subscriber_months.subscriber_key = dropped_call_baselines.subscriber_key
            and subscriber_months.report_month = dropped_call_baselines.report_month

)

select * from final
