{#- The churn warning (流失预警评分): every active or suspended subscriber-month scored with
    the trained scorecard named by var churn_scorecard (seeds/churn/churn_scorecard.csv holds
    every trained card, each written by `subops churn train --name`). Each feature value falls in exactly one bin of its feature (a null in the
    feature's missing bin); the score is the base points plus the points of those bins, the
    probability its logistic transform (churn_points_to_double_odds points double the odds),
    the risk band from the trained cut-offs (seeds/churn/churn_risk_bands.csv). The reasons
    are the three features whose bins added most points above that feature's safest bin.
    Plain joins and window functions: the same model on every target. Incremental by month
    like the lifecycle view; when the scorecard changes (a new scorecard_id from the trainer)
    the next build rescores every month, so scores and backtest always come from one card. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='report_month',
    partition_by=lifecycle_partition_by('report_month'),
    on_schema_change='fail',
) }}

with

features as (

    select * from {{ ref('churn_features') }}
    where
        {{ lifecycle_window_filter('report_month') }}
    {%- if is_incremental() %}
    or (
        report_month <= {{ as_of_month() }}
        and (
            select count(*) from {{ this }} as stored_scores
            where stored_scores.scorecard_id <> (
                    select max(bands.scorecard_id) from {{ ref('churn_risk_bands') }} as bands
                    where bands.scorecard_name = '{{ var('churn_scorecard') }}'
                )
        ) > 0
    )
    {%- endif %}

),

scorecard as (

    select * from {{ ref('churn_scorecard') }}
    where scorecard_name = '{{ var('churn_scorecard') }}'

),

risk_bands as (

    select * from {{ ref('churn_risk_bands') }}
    where scorecard_name = '{{ var('churn_scorecard') }}'

),

band_cuts as (

    select
        max(case when risk_band = 'high' then min_points end) as high_min_points,
        max(case when risk_band = 'medium' then min_points end) as medium_min_points,
        max(scorecard_id) as scorecard_id
    from risk_bands

),

base_points as (

    select points from scorecard
    where feature_name = '(base)'

),

safest_bins as (

    select
        feature_name,
        min(points) as safest_points
    from scorecard
    group by feature_name

),

feature_values as (

    {%- for feature in churn_features() %}
    select
        subscriber_key,
        report_month,
        '{{ feature }}' as feature_name,
        {{ feature }} as feature_value
    from features
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

feature_points as (

    select
        feature_values.subscriber_key,
        feature_values.report_month,
        feature_values.feature_name,
        scorecard.bin_label,
        scorecard.points,
        scorecard.points - safest_bins.safest_points as points_above_safest
    from feature_values
    inner join scorecard
        on
            feature_values.feature_name = scorecard.feature_name
            and (
                (feature_values.feature_value is null and scorecard.is_missing_bin)
                or (
                    feature_values.feature_value is not null
                    and not scorecard.is_missing_bin
                    and (scorecard.lower_bound is null or feature_values.feature_value >= scorecard.lower_bound)
                    and (scorecard.upper_bound is null or feature_values.feature_value < scorecard.upper_bound)
                )
            )
    inner join safest_bins
        on feature_values.feature_name = safest_bins.feature_name

),

totals as (

    select
        subscriber_key,
        report_month,
        sum(points) as feature_points,
        cast(count(*) as {{ dbt.type_int() }}) as scored_features
    from feature_points
    group by subscriber_key, report_month

),

ranked_reasons as (

    select
        subscriber_key,
        report_month,
        feature_name,
        bin_label,
        points_above_safest,
        row_number() over (
            partition by subscriber_key, report_month
            order by points_above_safest desc, feature_name asc
        ) as reason_rank
    from feature_points

),

reasons as (

    select
        subscriber_key,
        report_month,
    {%- for rank in [1, 2, 3] %}
    max(case when reason_rank = {{ rank }} then feature_name end) as reason_{{ rank }}_code,
    max(case when reason_rank = {{ rank }} then bin_label end) as reason_{{ rank }}_bin,
    cast(
        max(case when reason_rank = {{ rank }} then points_above_safest end) as {{ churn_points_type() }}
    ) as reason_{{ rank }}_points{{ ',' if not loop.last }}
    {%- endfor %}
    from ranked_reasons
    where reason_rank <= 3
    group by subscriber_key, report_month

),

scored as (

    select
        totals.subscriber_key,
        totals.report_month,
        totals.scored_features,
        cast(base_points.points + totals.feature_points as {{ churn_points_type() }}) as churn_points
    from totals
    cross join base_points

),

final as (

    select
        scored.subscriber_key,
        scored.report_month,
        scored.churn_points,
        cast(
            1.0 / (1.0 + exp(-1.0 * scored.churn_points * ln(2.0) / {{ var('churn_points_to_double_odds') }}))
            as {{ churn_probability_type() }}
        ) as churn_probability,
        case
            when scored.churn_points >= band_cuts.high_min_points then 'high'
            when scored.churn_points >= band_cuts.medium_min_points then 'medium'
            else 'low'
        end as risk_band,
        {%- for rank in [1, 2, 3] %}
        reasons.reason_{{ rank }}_code,
        reasons.reason_{{ rank }}_bin,
        reasons.reason_{{ rank }}_points,
        {%- endfor %}
        scored.scored_features,
        band_cuts.scorecard_id
    from scored
    inner join reasons
        on
            scored.subscriber_key = reasons.subscriber_key
            and scored.report_month = reasons.report_month
    cross join band_cuts

)

select * from final
