{#- Every churn score whose outcome is known (is_churned_next_month of the same
    subscriber-month), with the outcome as 0/1: what the backtest and the calibration of
    models/marts/churn both read. -#}
with

scores as (

    select * from {{ ref('churn_scores') }}

),

labels as (

    select * from {{ ref('churn_features') }}
    where is_churned_next_month is not null

),

final as (

    select
        scores.subscriber_key,
        scores.report_month,
        scores.churn_points,
        scores.churn_probability,
        case when labels.is_churned_next_month then 1 else 0 end as churned
    from scores
    inner join labels
        on
            scores.subscriber_key = labels.subscriber_key
            and scores.report_month = labels.report_month

)

select * from final
