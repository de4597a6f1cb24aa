{#- The churn warning (流失预警评分): every active or suspended subscriber-month scored with
    the trained scorecard named by var churn_scorecard (seeds/churn/churn_scorecard.csv holds
    every trained card, each written by `subops churn train --name`). Each feature value
    falls in exactly one bin of its feature (a null in the feature's missing bin); the score
    is the base points plus the points of those bins, the probability its logistic
    transform (churn_points_to_double_odds points double the odds), the risk band from the
    trained cut-offs (seeds/churn/churn_risk_bands.csv). The reasons are the three features
    whose bins added most points above that feature's safest bin. The card's bins become
    CASE expressions (macros/churn/churn_scorecard_bins.sql): one pass over the features,
    no join to the bins, no sort; the same model on every target. Incremental by month like
    the lifecycle view; when the scorecard changes (a new scorecard_id from the trainer) the
    next build rescores every month, so scores and backtest always come from one card. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='report_month',
    partition_by=lifecycle_partition_by('report_month'),
    on_schema_change='fail',
) }}

{%- set bins = churn_scorecard_bins(var('churn_scorecard')) -%}
{%- set base_points = bins | selectattr('feature_name', 'equalto', '(base)') | map(attribute='points') | list -%}
{#- no bins only at parse time or in the linter: churn_scorecard_bins() stops a build without them -#}
{%- set base = base_points[0] if base_points else '0' -%}
{#- the scored features in name order (ties between reasons go to the first name) -#}
{%- set scored = [] -%}
{%- for feature in churn_features() | sort -%}
{%- set feature_bins = bins | selectattr('feature_name', 'equalto', feature) | list -%}
{%- if feature_bins -%}
        {%- do scored.append({
            'name': feature, 'bins': feature_bins,
            'safest_points': feature_bins | map(attribute='points') | map('float') | min,
        }) -%}
{%- endif -%}
{%- endfor %}
-- depends_on: {{ ref('churn_scorecard') }}

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

binned as (

    {#- each feature's bin: its points and its label -#}
    select
        subscriber_key,
        report_month,
    {%- for feature in scored %}
    case
        {%- for bin in feature.bins %}
        when {{ churn_bin_condition(feature.name, bin) }} then {{ bin.points }}
        {%- endfor %}
    end as points__{{ feature.name }},
    case
        {%- for bin in feature.bins %}
        when {{ churn_bin_condition(feature.name, bin) }} then '{{ bin.bin_label | replace("'", "''") }}'
        {%- endfor %}
    end as bin__{{ feature.name }}{{ ',' if not loop.last }}
    {%- endfor %}
    from features

),

totals as (

    select
        *,
        {%- for feature in scored %}
        points__{{ feature.name }} - ({{ feature.safest_points }}) as above__{{ feature.name }},
        {%- endfor %}
        ({{ base }})
        {%- for feature in scored %}
        + coalesce(points__{{ feature.name }}, 0)
        {%- endfor %} as total_points,
        {%- for feature in scored %}
        case when points__{{ feature.name }} is null then 0 else 1 end{{ ' +' if not loop.last }}
        {%- endfor %} as scored_features
    from binned{{ optimization_fence() }}

),

{#- reasons: the three features whose bins added most points above their safest bin;
    each rank takes the largest of the features the ranks before it did not take, and
    of equal points the first feature by name -#}
{%- set taken = [] %}
{%- for rank in [1, 2, 3] %}
{#- per feature: the conditions that no earlier rank took it -#}
{%- set not_taken = {} -%}
{%- for feature in scored -%}
{%- do not_taken.update({feature.name: []}) -%}
{%- for code in taken -%}
{%- do not_taken[feature.name].append('reason_' ~ code ~ "_code <> '" ~ feature.name ~ "'") -%}
{%- endfor -%}
{%- endfor %}

reason_{{ rank }} as (

    select
        *,
    {%- if scored | length == 1 %}
        above__{{ scored[0].name }} as reason_{{ rank }}_max
        {%- else %}
    greatest(
        {%- for feature in scored %}
        {%- if taken %}
        case
            when
                {{ not_taken[feature.name] | join('\n                and ') }}
                then above__{{ feature.name }}
        end
        {%- else %}
        above__{{ feature.name }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as reason_{{ rank }}_max
    {%- endif %}
    from {{ 'totals' if rank == 1 else 'reason_' ~ (rank - 1) ~ '_named' }}{{ optimization_fence() }}

),

reason_{{ rank }}_named as (

    select
        *,
        case
            {%- for feature in scored %}
            when
                above__{{ feature.name }} = reason_{{ rank }}_max
                {%- for condition in not_taken[feature.name] %}
                and {{ condition }}
                {%- endfor %}
                then '{{ feature.name }}'
            {%- endfor %}
        end as reason_{{ rank }}_code
    from reason_{{ rank }}{{ optimization_fence() }}

),
{%- do taken.append(rank) %}
{%- endfor %}

final as (

    select
        reason_3_named.subscriber_key,
        reason_3_named.report_month,
        cast(reason_3_named.total_points as {{ churn_points_type() }}) as churn_points,
        cast(
            1.0 / (
                1.0 + exp(
                    -1.0 * reason_3_named.total_points
                    * ln(2.0) / {{ var('churn_points_to_double_odds') }}
                )
            )
            as {{ churn_probability_type() }}
        ) as churn_probability,
        case
            when reason_3_named.total_points >= band_cuts.high_min_points
                then 'high'
            when reason_3_named.total_points >= band_cuts.medium_min_points
                then 'medium'
            else 'low'
        end as risk_band,
        {%- for rank in [1, 2, 3] %}
        reason_3_named.reason_{{ rank }}_code,
        case reason_3_named.reason_{{ rank }}_code
            {%- for feature in scored %}
            when '{{ feature.name }}' then reason_3_named.bin__{{ feature.name }}
            {%- endfor %}
        end as reason_{{ rank }}_bin,
        cast(reason_3_named.reason_{{ rank }}_max as {{ churn_points_type() }}) as reason_{{ rank }}_points,
        {%- endfor %}
        cast(reason_3_named.scored_features as {{ dbt.type_int() }}) as scored_features,
        band_cuts.scorecard_id
    from reason_3_named
    cross join band_cuts
    where reason_3_named.scored_features > 0

)

select * from final
{{ stored_in_month_order('report_month') }}
