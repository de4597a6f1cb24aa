{#- Every landed calling-circle row, typed and judged: reject_reason is null for a valid row.
    Stored by month (macros/staging/landing_month_partitions.sql); the dedup needs
    only the months a build judges, as its key is (subscriber, circle month). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='circle_partition',
    partition_by=lifecycle_partition_by('circle_partition'),
    on_schema_change='append_new_columns',
) }}

-- as_of_month defaults to the latest CRM snapshot month
-- depends_on: {{ ref('stg_crm__subscriber_snapshots') }}
{% set first_written_month = lifecycle_first_written_month() %}
{%- set typed_columns = {
    'month': 'date',
    'circle_size': dbt.type_int(),
    'on_net_contacts': dbt.type_int(),
    'off_net_contacts': dbt.type_int(),
} -%}

with

source as (

    select * from {{ source('usage', 'circles_monthly') }}
    {{ landing_rows_from_month('month', first_written_month) }}

),

subscribers as (

    select subscriber_id from {{ ref('stg_crm__known_subscribers') }}

),

landing_horizon as (

    select * from {{ ref('stg_crm__landing_horizon') }}

),

typed as (

    select
        _landing_file,
        nullif(trim(cast(subscriber_id as {{ dbt.type_string() }})), '') as subscriber_id,
        month is null as is_month_missing,
        {%- for column, type in typed_columns.items() %}
        {{ dbt.safe_cast(column, type) }} as {{ column }},
        {%- endfor %}
        {{ reject_check(invalid_value_checks(typed_columns)) }} as invalid_value_check

    from source

),

checked as (

    select
        typed.*,
        {{ reject_check([
            {'reason': 'null_key', 'rule': 'subscriber_id_not_null', 'when': 'typed.subscriber_id is null'},
            {'reason': 'null_key', 'rule': 'month_not_null', 'when': 'is_month_missing'},
            {'reason': 'orphan_subscriber', 'rule': 'subscriber_in_crm', 'when': 'subscribers.subscriber_id is null'},
            {'reason': 'invalid_value', 'rule': 'typed', 'when': 'invalid_value_check is not null'},
            {'reason': 'invalid_value', 'rule': 'month_is_month_start',
                'when': 'month <> ' ~ dbt.date_trunc('month', 'month')},
            {'reason': 'invalid_value', 'rule': 'counts_not_null',
                'when': 'circle_size is null or on_net_contacts is null or off_net_contacts is null'},
            {'reason': 'negative_amount', 'rule': 'counts_not_negative',
                'when': 'circle_size < 0 or on_net_contacts < 0 or off_net_contacts < 0'},
            {'reason': 'invalid_value', 'rule': 'circle_size_is_on_plus_off_net',
                'when': 'circle_size <> on_net_contacts + off_net_contacts'},
            {'reason': 'future_date', 'rule': 'month_not_after_horizon', 'when': 'month > horizon_date'},
        ]) }} as reject_check

    from typed
    left join subscribers on typed.subscriber_id = subscribers.subscriber_id
    cross join landing_horizon

),

judged as (

    select
        checked.*,
        {{ duplicate_rank(['subscriber_id', 'month'], ['circle_size desc', 'off_net_contacts']) }} as duplicate_rank
    from checked

),

final as (

    select
        month as circle_month,
        subscriber_id,
        circle_size,
        on_net_contacts,
        off_net_contacts,
        {{ reject_columns() }},
        _landing_file,
        {{ landing_month_partition('month') }} as circle_partition

    from judged

)

select * from final
{{ stored_in_month_order('circle_partition') }}
