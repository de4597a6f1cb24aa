{#- The operating strategy of every subscriber-month (分群策略): its value tier crossed
    with its stability tier, looked up in the segment_strategies seed the business owns
    (hard binding with retention spend for high value, sticky binding with family plans
    and V-nets for mid value, low-cost care for low value; retention priority 1 first).
    Every active or suspended subscriber of the month gets exactly one row; one without
    a bill (so without a value tier) counts as low value. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='segment_month',
    partition_by=lifecycle_partition_by('segment_month'),
    on_schema_change='fail',
) }}

with

subscriber_months as (

    select
        {{ compact_join_key('subscriber_key') }} as join_key,
        report_month
    from {{ ref('fct_subscriber_months') }}
    where
        status in ('active', 'suspended')
        and {{ lifecycle_window_filter('report_month') }}

),

value_tiers as (

    select
        {{ compact_join_key('subscriber_key') }} as join_key,
        tag_month,
        value_tier
    from {{ ref('tag_value_tier') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

{# Every lifecycle row has a stability tier, so the subscriber key is read from it alone;
    the other two sides carry a compact key (macros/cross_db/compact_join_key.sql). With
    the 64-character key on all three, at 10M subscribers x 3 months the model ran out of
    12 GB; on the compact key it completes in 45 s. -#}
stability_tiers as (

    select
        subscriber_key,
        {{ compact_join_key('subscriber_key') }} as join_key,
        tag_month,
        stability_tier
    from {{ ref('tag_stability_tier') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

strategies as (

    select * from {{ ref('segment_strategies') }}

),

tiered as (

    select
        stability_tiers.subscriber_key,
        stability_tiers.tag_month as segment_month,
        coalesce(value_tiers.value_tier, 'low') as value_tier,
        stability_tiers.stability_tier
    from stability_tiers
    inner join subscriber_months
        on
            stability_tiers.join_key = subscriber_months.join_key
            and stability_tiers.tag_month = subscriber_months.report_month
    left join value_tiers
        on
            stability_tiers.join_key = value_tiers.join_key
            and stability_tiers.tag_month = value_tiers.tag_month

),

final as (

    select
        tiered.subscriber_key,
        tiered.segment_month,
        tiered.value_tier,
        tiered.stability_tier,
        strategies.strategy_code,
        strategies.strategy_name_zh,
        strategies.strategy_name_en,
        strategies.retention_priority,
        strategies.levers
    from tiered
    left join strategies
        on
            tiered.value_tier = strategies.value_tier
            and tiered.stability_tier = strategies.stability_tier

)

select * from final
{{ stored_in_month_order('segment_month') }}
