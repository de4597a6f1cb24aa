{#- Daily usage rolled up to subscriber x month. The big one: incremental by month, so a
    monthly build reads only the days of the months it writes (see lifecycle_window_filter).
    Staging has summed every subscriber-month in one pass; the few whose days repeat are
    re-counted here from their deduplicated rows. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='usage_month',
    partition_by=lifecycle_partition_by('usage_month'),
    on_schema_change='append_new_columns',
) }}

{%- set measures = usage_count_columns() + usage_volume_columns() -%}

with

month_sums as (

    select * from {{ ref('base_usage__usage_month_sums') }}
    where {{ lifecycle_window_filter('usage_month') }}

),

repeated_days_kept as (

    select * from {{ ref('base_usage__usage_day_repeats') }}
    where
        duplicate_rank = 1
        and {{ lifecycle_window_filter('usage_month') }}

),

recounted as (

    select
        subscriber_id,
        usage_month,
        {{ usage_month_totals() }}

    from repeated_days_kept
    group by subscriber_id, usage_month

),

final as (

    select
        subscriber_id,
        usage_month,
        {%- for column in measures %}
        {{ column }},
        {%- endfor %}
        active_days
    from month_sums
    where not has_repeated_days

    union all

    select
        subscriber_id,
        usage_month,
        {%- for column in measures %}
        {{ column }},
        {%- endfor %}
        active_days
    from recounted

)

select * from final
{{ stored_in_month_order('usage_month') }}
