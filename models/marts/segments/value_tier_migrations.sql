{#- Value-tier migration matrix (价值迁移矩阵): per month, how many subscribers moved from
    each value tier of the month before to each tier of this month. Joiners come from
    'none', leavers go to 'none', so every row of the month before is accounted for.
    Incremental by month: a build counts the months it writes from their segments and
    those of the month before the first of them. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='migration_month',
    partition_by=lifecycle_partition_by('migration_month'),
    on_schema_change='fail',
) }}

with

tiers as (

    select
        subscriber_key,
        segment_month,
        value_tier
    from {{ ref('segment_strategy') }}
    where {{ lifecycle_window_filter('segment_month', lookback_months=1) }}

),

months as (

    select distinct segment_month from tiers

),

paired as (

    select
        coalesce(
            current_tiers.segment_month,
            cast({{ dbt.dateadd('month', 1, 'previous_tiers.segment_month') }} as date)
        ) as migration_month,
        coalesce(previous_tiers.value_tier, 'none') as from_value_tier,
        coalesce(current_tiers.value_tier, 'none') as to_value_tier
    from tiers as current_tiers
    full outer join tiers as previous_tiers
        on
            current_tiers.subscriber_key = previous_tiers.subscriber_key
            and previous_tiers.segment_month = {{ dbt.dateadd('month', -1, 'current_tiers.segment_month') }}

),

counted as (

    select
        paired.migration_month,
        paired.from_value_tier,
        paired.to_value_tier,
        count(*) as subscribers
    from paired
    -- a month's migrations are known only when the month before is in the view too
    inner join months as previous_months
        on previous_months.segment_month = {{ dbt.dateadd('month', -1, 'paired.migration_month') }}
    inner join months as current_months
        on paired.migration_month = current_months.segment_month
    group by paired.migration_month, paired.from_value_tier, paired.to_value_tier

),

final as (

    select
        migration_month,
        from_value_tier,
        to_value_tier,
        subscribers,
        {{ lifecycle_share('subscribers', 'sum(subscribers) over (partition by migration_month, from_value_tier)') }}
            as share_of_from_tier
    from counted

)

select * from final
{{ stored_in_month_order('migration_month') }}
