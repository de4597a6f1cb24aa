{#- First pass over the valid daily usage of the months a build writes: totals per
    subscriber x month, and whether any day of it has more than one valid row. Months
    without repeats are final here; the rest are re-counted from
    base_usage__usage_day_repeats after the dedup. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='usage_month',
    partition_by=lifecycle_partition_by('usage_month'),
    on_schema_change='append_new_columns',
) }}

with

usage_days as (

    select * from {{ ref('base_usage__usage_days') }}
    where
        reject_reason is null
        and {{ lifecycle_window_filter('usage_date') }}

),

final as (

    select
        subscriber_id,
        usage_month,
        {{ usage_month_totals() }},
        cast(count(*) as {{ dbt.type_int() }}) as day_rows,
        {{ usage_days_repeat('usage_date') }} as has_repeated_days

    from usage_days
    group by subscriber_id, usage_month

)

select * from final
{{ stored_in_month_order('usage_month') }}
