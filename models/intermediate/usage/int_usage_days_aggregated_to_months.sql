{#- Daily usage rolled up to subscriber x month. The big one: incremental by month, so a
    monthly build reads only the days of the months it writes (see lifecycle_window_filter)
    and never the whole of usage_daily. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='usage_month',
    partition_by=lifecycle_partition_by('usage_month'),
    on_schema_change='append_new_columns',
) }}

{%- set count_columns = [
    'voice_out_minutes', 'voice_in_minutes', 'voice_calls', 'sms_count',
    'vas_events', 'roaming_minutes', 'dropped_calls',
] -%}
{%- set volume_columns = ['data_mb', 'data_5g_mb'] -%}
{#- a day counts as active when the subscriber used any service that day -#}
{%- set activity_columns = [
    'voice_out_minutes', 'voice_in_minutes', 'voice_calls', 'sms_count',
    'data_mb', 'vas_events', 'roaming_minutes',
] -%}

with

usage_days as (

    select * from {{ ref('stg_usage__usage_days') }}
    where {{ lifecycle_window_filter('usage_date') }}

),

dated as (

    select
        subscriber_id,
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date) as usage_month,
        {%- for column in count_columns %}
        {{ column }},
        {%- endfor %}
        {%- for column in volume_columns %}
        cast({{ column }} as {{ volume_type() }}) as {{ column }},
        {%- endfor %}
        case when {{ activity_columns | join(' + ') }} > 0 then 1 else 0 end as is_active_day

    from usage_days

),

final as (

    select
        subscriber_id,
        usage_month,
        {%- for column in count_columns %}
        cast(sum({{ column }}) as {{ dbt.type_int() }}) as {{ column }},
        {%- endfor %}
        {%- for column in volume_columns %}
        cast(sum({{ column }}) as {{ volume_type() }}) as {{ column }},
        {%- endfor %}
        cast(sum(is_active_day) as {{ dbt.type_int() }}) as active_days

    from dated
    group by subscriber_id, usage_month

)

select * from final
