{%- set typed_columns = {
    'order_at': dbt.type_timestamp(),
    'effective_date': 'date',
    'expire_date': 'date',
} -%}

with

source as (

    select * from {{ source('orders', 'product_orders') }}

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
        nullif(trim(cast(order_id as {{ dbt.type_string() }})), '') as order_id,
        nullif(trim(cast(subscriber_id as {{ dbt.type_string() }})), '') as subscriber_id,
        upper(trim(cast(product_id as {{ dbt.type_string() }}))) as product_id,
        lower(trim(cast(action as {{ dbt.type_string() }}))) as order_action,
        lower(trim(cast(channel_code as {{ dbt.type_string() }}))) as channel_code,
        nullif(trim(cast(campaign_id as {{ dbt.type_string() }})), '') as campaign_id,
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
            {'reason': 'null_key', 'rule': 'order_id_not_null', 'when': 'order_id is null'},
            {'reason': 'null_key', 'rule': 'subscriber_id_not_null', 'when': 'typed.subscriber_id is null'},
            {'reason': 'orphan_subscriber', 'rule': 'subscriber_in_crm', 'when': 'subscribers.subscriber_id is null'},
            {'reason': 'invalid_value', 'rule': 'typed', 'when': 'invalid_value_check is not null'},
            {'reason': 'invalid_value', 'rule': 'dates_not_null', 'when': 'order_at is null or effective_date is null'},
            {'reason': 'unknown_code', 'rule': 'product_id_in_products',
                'when': 'product_id is null or product_id not in (select product_id from ' ~ ref('products') ~ ')'},
            {'reason': 'unknown_code', 'rule': 'order_action_in_list',
                'when': "coalesce(order_action, '') not in ('subscribe', 'unsubscribe', 'change_plan')"},
            {'reason': 'unknown_code', 'rule': 'channel_code_in_channels',
                'when': 'channel_code is null or channel_code not in (select channel_code from ' ~ ref('channels') ~ ')'},
            {'reason': 'invalid_value', 'rule': 'expire_not_before_effective', 'when': 'expire_date < effective_date'},
            {'reason': 'future_date', 'rule': 'order_at_not_after_horizon', 'when': 'cast(order_at as date) > horizon_date'},
        ]) }} as reject_check

    from typed
    left join subscribers on typed.subscriber_id = subscribers.subscriber_id
    cross join landing_horizon

),

judged as (

    select
        checked.*,
        {{ duplicate_rank(['order_id'], ['order_at desc']) }} as duplicate_rank
    from checked

),

final as (

    select
        order_id,
        subscriber_id,
        product_id,
        order_action,
        {{ landing_time_to_utc('order_at') }} as ordered_at,
        cast(order_at as date) as order_date,
        effective_date,
        expire_date,
        channel_code,
        campaign_id,
        {{ reject_columns() }},
        _landing_file

    from judged

)

select * from final
