{#- The valid daily rows of the few subscriber-months in which a day repeats, ranked for
    the dedup: rank 1 is the row staging keeps (latest landing file), the others are
    quarantined as duplicate_key. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='usage_month',
    partition_by=lifecycle_partition_by('usage_month'),
    on_schema_change='append_new_columns',
) }}

with

repeated_months as (

    select
        subscriber_id,
        usage_month
    from {{ ref('base_usage__usage_month_sums') }}
    where
        has_repeated_days
        and {{ lifecycle_window_filter('usage_month') }}

),

usage_days as (

    {#- their rows judged here, not read from base_usage__usage_days: that would judge
        every row of the months before the join kept these few -#}
    select usage_days.*
    from ({{ usage_days_judged(of_subscribers='repeated_months') }}) as usage_days
    inner join repeated_months
        on
            usage_days.subscriber_id = repeated_months.subscriber_id
            and usage_days.usage_month = repeated_months.usage_month
    where
        usage_days.reject_reason is null
        and {{ lifecycle_window_filter('usage_days.usage_date') }}

),

final as (

    select
        usage_days.*,
        {{ duplicate_rank(['subscriber_id', 'usage_date'], ['data_mb desc', 'voice_calls desc'], 'reject_reason') }}
            as duplicate_rank

    from usage_days

)

select * from final
{{ stored_in_month_order('usage_month') }}
