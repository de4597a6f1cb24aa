{#- Calibration of the churn score by decile (分十等份校准), per scored month whose outcome
    is known: decile 1 holds the tenth of subscribers with the highest score (ties broken by
    subscriber key, so deciles are stable), with its mean predicted probability, its
    observed churn rate next month and its lift over the month's churn rate. -#}
with

outcomes as (

    select * from {{ ref('int_churn_scores_joined_to_outcomes') }}

),

deciles as (

    select
        report_month,
        churn_probability,
        churned,
        ntile(10) over (
            partition by report_month
            order by churn_points desc, subscriber_key asc
        ) as risk_decile
    from outcomes

),

month_rates as (

    select
        report_month,
        {{ churn_ratio('sum(churned)', 'count(*)') }} as month_churn_rate
    from deciles
    group by report_month

),

by_decile as (

    select
        report_month,
        risk_decile,
        count(*) as subscribers,
        sum(churned) as churners,
        {{ churn_ratio('sum(churn_probability)', 'count(*)') }} as mean_predicted_probability,
        {{ churn_ratio('sum(churned)', 'count(*)') }} as observed_churn_rate
    from deciles
    group by report_month, risk_decile

),

final as (

    select
        by_decile.report_month,
        by_decile.risk_decile,
        by_decile.subscribers,
        by_decile.churners,
        by_decile.mean_predicted_probability,
        by_decile.observed_churn_rate,
        by_decile.observed_churn_rate / nullif(month_rates.month_churn_rate, 0) as lift
    from by_decile
    inner join month_rates
        on by_decile.report_month = month_rates.report_month

)

select * from final
