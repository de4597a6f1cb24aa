{#- Every landed bill row, typed and judged: reject_reason is null for a valid row.
    Stored by month (macros/staging/landing_month_partitions.sql); the dedup needs
    only the months a build judges, as its key is (subscriber, bill month). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='bill_partition',
    partition_by=lifecycle_partition_by('bill_partition'),
    on_schema_change='append_new_columns',
) }}

-- as_of_month defaults to the latest CRM snapshot month
-- depends_on: {{ ref('stg_crm__subscriber_snapshots') }}
{% set first_written_month = lifecycle_first_written_month() %}
{%- set fee_columns = [
    'total_fee', 'plan_fee', 'voice_fee', 'data_fee', 'sms_fee',
    'vas_fee', 'roaming_fee', 'discount_fee', 'paid_fee', 'arrears_fee',
] -%}
{%- set typed_columns = {'bill_month': 'date'} -%}
{%- for fee in fee_columns -%}{%- do typed_columns.update({fee: money_type()}) -%}{%- endfor -%}

with

source as (

    select * from {{ source('billing', 'bills') }}
    {{ landing_rows_from_month('bill_month', first_written_month) }}

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
        bill_month is null as is_bill_month_missing,
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
            {'reason': 'null_key', 'rule': 'bill_month_not_null', 'when': 'is_bill_month_missing'},
            {'reason': 'orphan_subscriber', 'rule': 'subscriber_in_crm', 'when': 'subscribers.subscriber_id is null'},
            {'reason': 'invalid_value', 'rule': 'typed', 'when': 'invalid_value_check is not null'},
            {'reason': 'invalid_value', 'rule': 'bill_month_is_month_start',
                'when': 'bill_month <> ' ~ dbt.date_trunc('month', 'bill_month')},
            {'reason': 'invalid_value', 'rule': 'fees_not_null',
                'when': '(' ~ (fee_columns | join(' is null or ')) ~ ' is null)'},
            {'reason': 'negative_amount', 'rule': 'fees_not_negative',
                'when': '(' ~ (fee_columns | join(' < 0 or ')) ~ ' < 0)'},
            {'reason': 'fee_mismatch', 'rule': 'total_is_components_less_discount',
                'when': 'abs(total_fee - (plan_fee + voice_fee + data_fee + sms_fee + vas_fee + roaming_fee - discount_fee)) > 0.005'},
            {'reason': 'fee_mismatch', 'rule': 'paid_plus_arrears_is_total',
                'when': 'abs(paid_fee + arrears_fee - total_fee) > 0.005'},
            {'reason': 'future_date', 'rule': 'bill_month_not_after_horizon', 'when': 'bill_month > horizon_date'},
        ]) }} as reject_check

    from typed
    left join subscribers on typed.subscriber_id = subscribers.subscriber_id
    cross join landing_horizon

),

judged as (

    select
        checked.*,
        {{ duplicate_rank(['subscriber_id', 'bill_month'], ['total_fee desc', 'paid_fee desc']) }} as duplicate_rank
    from checked

),

final as (

    select
        bill_month,
        subscriber_id,
        {%- for fee in fee_columns %}
        {{ fee }},
        {%- endfor %}
        {{ reject_columns() }},
        _landing_file,
        {{ landing_month_partition('bill_month') }} as bill_partition

    from judged

)

select * from final
{{ stored_in_month_order('bill_partition') }}
