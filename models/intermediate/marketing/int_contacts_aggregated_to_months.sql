{#- Contacts per subscriber x local month: outbound marketing touches, in total and by
    channel, how the subscriber answered them, and inbound (service) contacts. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='contact_month',
    partition_by=lifecycle_partition_by('contact_month'),
    on_schema_change='append_new_columns',
) }}

{#- the outbound marketing channels of the channels seed; one count column each -#}
{%- set outbound_channels = ['sms', 'outbound_call', 'app_push', 'wechat', 'store'] -%}

with

contacts as (

    select * from {{ ref('stg_marketing__contacts') }}
    where {{ lifecycle_window_filter('contact_date') }}

),

dated as (

    select
        subscriber_id,
        cast({{ dbt.date_trunc('month', 'contact_date') }} as date) as contact_month,
        channel_code,
        direction,
        outcome

    from contacts

),

final as (

    select
        subscriber_id,
        contact_month,
        count(case when direction = 'outbound' then 1 end) as outbound_touch_count,
        {%- for channel in outbound_channels %}
        count(case when direction = 'outbound' and channel_code = '{{ channel }}' then 1 end)
            as {{ channel }}_touch_count,
        {%- endfor %}
        count(case when direction = 'outbound' and outcome in ('responded', 'accepted') then 1 end) as response_count,
        count(case when direction = 'outbound' and outcome = 'accepted' then 1 end) as acceptance_count,
        count(case when direction = 'outbound' and outcome = 'opt_out' then 1 end) as opt_out_count,
        count(case when direction = 'inbound' then 1 end) as inbound_contact_count

    from dated
    group by subscriber_id, contact_month

)

select * from final
{{ stored_in_month_order('contact_month') }}
