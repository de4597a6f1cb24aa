{%- set typed_columns = {'contact_at': dbt.type_timestamp()} -%}

with

source as (

    select * from {{ source('marketing', 'contacts') }}

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
        nullif(trim(cast(contact_id as {{ dbt.type_string() }})), '') as contact_id,
        nullif(trim(cast(subscriber_id as {{ dbt.type_string() }})), '') as subscriber_id,
        lower(trim(cast(channel_code as {{ dbt.type_string() }}))) as channel_code,
        lower(trim(cast(direction as {{ dbt.type_string() }}))) as direction,
        nullif(trim(cast(campaign_id as {{ dbt.type_string() }})), '') as campaign_id,
        nullif(upper(trim(cast(product_id as {{ dbt.type_string() }}))), '') as product_id,
        lower(trim(cast(outcome as {{ dbt.type_string() }}))) as outcome,
        {{ dbt.safe_cast('contact_at', dbt.type_timestamp()) }} as contact_at,
        {{ reject_check(invalid_value_checks(typed_columns)) }} as invalid_value_check

    from source

),

checked as (

    select
        typed.*,
        {{ reject_check([
            {'reason': 'null_key', 'rule': 'contact_id_not_null', 'when': 'contact_id is null'},
            {'reason': 'null_key', 'rule': 'subscriber_id_not_null', 'when': 'typed.subscriber_id is null'},
            {'reason': 'orphan_subscriber', 'rule': 'subscriber_in_crm', 'when': 'subscribers.subscriber_id is null'},
            {'reason': 'invalid_value', 'rule': 'typed', 'when': 'invalid_value_check is not null'},
            {'reason': 'invalid_value', 'rule': 'contact_at_not_null', 'when': 'contact_at is null'},
            {'reason': 'unknown_code', 'rule': 'channel_code_in_channels',
                'when': 'channel_code is null or channel_code not in (select channel_code from ' ~ ref('channels') ~ ')'},
            {'reason': 'unknown_code', 'rule': 'direction_in_list',
                'when': "coalesce(direction, '') not in ('outbound', 'inbound')"},
            {'reason': 'unknown_code', 'rule': 'outcome_in_list',
                'when': "coalesce(outcome, '') not in ('sent', 'delivered', 'failed', 'opened', 'responded', "
                    ~ "'accepted', 'declined', 'opt_out', 'no_answer')"},
            {'reason': 'unknown_code', 'rule': 'product_id_in_products',
                'when': 'product_id not in (select product_id from ' ~ ref('products') ~ ')'},
            {'reason': 'future_date', 'rule': 'contact_at_not_after_horizon', 'when': 'cast(contact_at as date) > horizon_date'},
        ]) }} as reject_check

    from typed
    left join subscribers on typed.subscriber_id = subscribers.subscriber_id
    cross join landing_horizon

),

judged as (

    select
        checked.*,
        {{ duplicate_rank(['contact_id'], ['contact_at desc']) }} as duplicate_rank
    from checked

),

final as (

    select
        contact_id,
        subscriber_id,
        {{ landing_time_to_utc('contact_at') }} as contacted_at,
        cast(contact_at as date) as contact_date,
        {{ date_part_int('hour', 'contact_at') }} as contact_local_hour,
        channel_code,
        direction,
        campaign_id,
        product_id,
        outcome,
        {{ reject_columns() }},
        _landing_file

    from judged

)

select * from final
