{#- How well the churn score ranked next month's churners (流失预警回测), per scored month
    whose outcome is known: ROC AUC (the chance that a churner scored above a stayer, ties
    counting half), Gini = 2 AUC - 1, and the lift of the top decile (its churn rate over
    the month's). Counts are exact; ratios are doubles (churn_ratio), the same bits on every
    target (a ratio rounded to decimals can round a tie like 0.0014875 apart). Months the
    scorecard was trained on are in-sample; `subops churn evaluate` marks them from the
    training summary. -#}
with

outcomes as (

    select * from {{ ref('int_churn_scores_joined_to_outcomes') }}

),

calibration as (

    select * from {{ ref('churn_model_calibration') }}

),

points_groups as (

    select
        report_month,
        churn_points,
        sum(churned) as churners,
        sum(1 - churned) as stayers
    from outcomes
    group by report_month, churn_points

),

stayers_below as (

    select
        report_month,
        churners,
        stayers,
        coalesce(sum(stayers) over (
            partition by report_month
            order by churn_points
            rows between unbounded preceding and 1 preceding
        ), 0) as stayers_scored_lower
    from points_groups

),

month_totals as (

    select
        report_month,
        sum(churners + stayers) as scored_subscribers,
        sum(churners) as churners,
        sum(stayers) as stayers,
        sum(churners * (stayers_scored_lower + 0.5 * stayers)) as concordant_pairs,
        sum(churners) * sum(stayers) as pairs
    from stayers_below
    group by report_month

),

top_deciles as (

    select
        report_month,
        lift as top_decile_lift,
        observed_churn_rate as top_decile_churn_rate
    from calibration
    where risk_decile = 1

),

final as (

    select
        month_totals.report_month,
        month_totals.scored_subscribers,
        month_totals.churners,
        {{ churn_ratio('month_totals.churners', 'month_totals.scored_subscribers') }} as churn_rate,
        {{ churn_ratio('month_totals.concordant_pairs', 'month_totals.pairs') }} as auc,
        2 * {{ churn_ratio('month_totals.concordant_pairs', 'month_totals.pairs') }} - 1 as gini,
        top_deciles.top_decile_churn_rate,
        top_deciles.top_decile_lift
    from month_totals
    left join top_deciles
        on month_totals.report_month = top_deciles.report_month

)

select * from final
