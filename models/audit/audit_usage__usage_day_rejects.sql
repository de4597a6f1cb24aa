{#- Daily usage rows quarantined by staging: the rows that broke a row-level rule, and the
    extra rows of a repeated day (duplicate_key). Incremental like the usage roll-up: a
    build replaces the partitions of the months it writes, every later month (rows dated
    after the landing horizon land there) and the undated rows; so a rebuild of a past
    month rewrites the later months from what staging holds for them. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='audit_partition',
    partition_by=lifecycle_partition_by('audit_partition'),
    on_schema_change='append_new_columns',
) }}

-- depends_on: {{ ref('stg_crm__subscriber_snapshots') }}
{% set first_written_month = lifecycle_first_written_month() -%}

with

broken_rules as (

    select * from {{ ref('base_usage__usage_days') }}
    where
        reject_reason is not null
        {%- if first_written_month is not none %}
        and (usage_date is null or usage_date >= {{ first_written_month }})
        {%- endif %}

),

repeated_days_dropped as (

    select * from {{ ref('base_usage__usage_day_repeats') }}
    where
        duplicate_rank > 1
        {%- if first_written_month is not none %}
        and usage_month >= {{ first_written_month }}
        {%- endif %}

),

rejects as (

    select
        usage_date,
        usage_month,
        subscriber_id,
        {%- for column in usage_count_columns() + usage_volume_columns() %}
        {{ column }},
        {%- endfor %}
        reject_reason,
        reject_rule,
        _landing_file
    from broken_rules

    union all

    select
        usage_date,
        usage_month,
        subscriber_id,
        {%- for column in usage_count_columns() + usage_volume_columns() %}
        {{ column }},
        {%- endfor %}
        'duplicate_key' as reject_reason,
        'key_is_unique' as reject_rule,
        _landing_file
    from repeated_days_dropped

),

final as (

    select
        rejects.*,
        {{ landing_month_partition('rejects.usage_month') }} as audit_partition
    from rejects

)

select * from final
{{ stored_in_month_order('audit_partition') }}
