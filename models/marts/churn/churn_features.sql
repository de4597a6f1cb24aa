{#- One row per subscriber-month the churn scorecard scores (status active or suspended at
    month end): the features of macros/churn/churn_features.sql and, for training and the
    backtest, the label is_churned_next_month (null while month m + 1 has not landed).
    Incremental by month like the lifecycle view (a build rewrites as_of_month and the month
    before it, whose label it learns). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='report_month',
    partition_by=lifecycle_partition_by('report_month'),
    on_schema_change='fail',
) }}

with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}
    where {{ lifecycle_window_filter('report_month') }}

),

plans as (

    select * from {{ ref('products') }}

),

{# Only the score, on a compact key (macros/cross_db/compact_join_key.sql): at 10M
    subscribers x 3 months, joined on the 64-character key beside segment_strategy, the
    model ran out of 18 GB; on this key the two complete together in 12 GB. -#}
stability as (

    select
        {{ compact_join_key('subscriber_key') }} as join_key,
        tag_month,
        stability_score
    from {{ ref('tag_stability_tier') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

final as (

    select
        subscriber_months.subscriber_key,
        subscriber_months.report_month,
        {%- for feature, expression in churn_features().items() %}
        cast({{ expression }} as {{ churn_feature_type() }}) as {{ feature }},
        {%- endfor %}
        subscriber_months.is_churned_next_month
    from subscriber_months
    left join plans
        on subscriber_months.plan_id = plans.product_id
    left join stability
        on
            {{ compact_join_key('subscriber_months.subscriber_key') }} = stability.join_key
            and subscriber_months.report_month = stability.tag_month
    where subscriber_months.status in ('active', 'suspended')

)

select * from final
{{ stored_in_month_order('report_month') }}
