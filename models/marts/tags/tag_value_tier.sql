{#- Value tier (价值分层) from ARPU and its trend. The tier is read on a smoothed ARPU,
    the mean of this month's bill and the subscriber's own 3-month baseline, so one odd
    bill does not move a subscriber across tiers; the trend compares this month with
    that baseline. Thresholds: vars value_tier_*_min_arpu and value_trend_change_share. -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

smoothed as (

    select
        subscriber_key,
        report_month as tag_month,
        total_fee,
        arpu_baseline_change_share,
        cast(case
            when arpu_baseline_3m is null then total_fee
            else (total_fee + arpu_baseline_3m) / 2
        end as {{ share_type() }}) as value_arpu
    from subscriber_months
    where has_bill

),

final as (

    select
        subscriber_key,
        tag_month,
        case
            when value_arpu >= {{ var('value_tier_high_min_arpu') }} then 'high'
            when value_arpu >= {{ var('value_tier_mid_high_min_arpu') }} then 'mid_high'
            when value_arpu >= {{ var('value_tier_mid_low_min_arpu') }} then 'mid_low'
            else 'low'
        end as value_tier,
        value_arpu,
        case
            when arpu_baseline_change_share is null then null
            when arpu_baseline_change_share >= {{ var('value_trend_change_share') }} then 'rising'
            when arpu_baseline_change_share <= -1 * {{ var('value_trend_change_share') }} then 'falling'
            else 'steady'
        end as value_trend
    from smoothed

)

select * from final
