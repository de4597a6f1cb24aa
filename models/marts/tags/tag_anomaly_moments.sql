{#- Anomaly moments (异动时刻): a swing of usage or of the bill against the subscriber's
    own 3-month baseline, dropped calls rising above their 3-month baseline (both from the
    lifecycle view), a complaint, or arrears in the month. Thresholds: vars anomaly_usage_swing_share,
    anomaly_bill_swing_share, anomaly_dropped_calls_min and anomaly_dropped_calls_ratio. -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

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
            when subscriber_months.dropped_calls_baseline_3m is not null
                then (
                    coalesce(subscriber_months.dropped_calls, 0) >= {{ var('anomaly_dropped_calls_min') }}
                    and coalesce(subscriber_months.dropped_calls, 0)
                    >= {{ var('anomaly_dropped_calls_ratio') }} * subscriber_months.dropped_calls_baseline_3m
                )
        end as moment_dropped_calls_rising,
        coalesce(subscriber_months.complaint_count, 0) > 0 as moment_complaint,
        coalesce(subscriber_months.has_arrears, false) as moment_arrears
    from subscriber_months

)

select * from final
