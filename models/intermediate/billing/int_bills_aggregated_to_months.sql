{#- Bills per subscriber x month, with the arrears flag. Staging already holds one bill per
    subscriber and month; summing keeps this grain should a source ever split a bill.
    A subscriber's ARPU for the month is its total_fee. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='bill_month',
    partition_by=lifecycle_partition_by('bill_month'),
    on_schema_change='append_new_columns',
) }}

{%- set fee_columns = [
    'total_fee', 'plan_fee', 'voice_fee', 'data_fee', 'sms_fee', 'vas_fee',
    'roaming_fee', 'discount_fee', 'paid_fee', 'arrears_fee',
] -%}

with

bills as (

    select * from {{ ref('stg_billing__bills') }}
    where {{ lifecycle_window_filter('bill_month') }}

),

final as (

    select
        subscriber_id,
        bill_month,
        {%- for column in fee_columns %}
        cast(sum({{ column }}) as {{ money_type() }}) as {{ column }},
        {%- endfor %}
        sum(arrears_fee) > 0 as has_arrears

    from bills
    group by subscriber_id, bill_month

)

select * from final
{{ stored_in_month_order('bill_month') }}
