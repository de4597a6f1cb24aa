{%- set typed_columns = {
    'created_at': dbt.type_timestamp(),
    'closed_at': dbt.type_timestamp(),
    'is_resolved': dbt.type_boolean(),
    'satisfaction_score': dbt.type_int(),
} -%}

with

source as (

    select * from {{ source('service', 'complaints') }}

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
        nullif(trim(cast(ticket_id as {{ dbt.type_string() }})), '') as ticket_id,
        nullif(trim(cast(subscriber_id as {{ dbt.type_string() }})), '') as subscriber_id,
        lower(trim(cast(category as {{ dbt.type_string() }}))) as category,
        lower(trim(cast(severity as {{ dbt.type_string() }}))) as severity,
        lower(trim(cast(channel_code as {{ dbt.type_string() }}))) as channel_code,
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
            {'reason': 'null_key', 'rule': 'ticket_id_not_null', 'when': 'ticket_id is null'},
            {'reason': 'null_key', 'rule': 'subscriber_id_not_null', 'when': 'typed.subscriber_id is null'},
            {'reason': 'orphan_subscriber', 'rule': 'subscriber_in_crm', 'when': 'subscribers.subscriber_id is null'},
            {'reason': 'invalid_value', 'rule': 'typed', 'when': 'invalid_value_check is not null'},
            {'reason': 'invalid_value', 'rule': 'created_at_not_null', 'when': 'created_at is null'},
            {'reason': 'unknown_code', 'rule': 'category_in_list',
                'when': "coalesce(category, '') not in ('network', 'billing', 'service', 'marketing_harassment', "
                    ~ "'product', 'fraud', 'other')"},
            {'reason': 'unknown_code', 'rule': 'severity_in_list',
                'when': "coalesce(severity, '') not in ('low', 'medium', 'high')"},
            {'reason': 'unknown_code', 'rule': 'channel_code_in_channels',
                'when': 'channel_code is null or channel_code not in (select channel_code from ' ~ ref('channels') ~ ')'},
            {'reason': 'invalid_value', 'rule': 'satisfaction_score_1_to_5', 'when': 'satisfaction_score not between 1 and 5'},
            {'reason': 'invalid_value', 'rule': 'closed_not_before_created', 'when': 'closed_at < created_at'},
            {'reason': 'future_date', 'rule': 'created_at_not_after_horizon', 'when': 'cast(created_at as date) > horizon_date'},
        ]) }} as reject_check

    from typed
    left join subscribers on typed.subscriber_id = subscribers.subscriber_id
    cross join landing_horizon

),

judged as (

    select
        checked.*,
        {{ duplicate_rank(['ticket_id'], ['created_at desc']) }} as duplicate_rank
    from checked

),

final as (

    select
        ticket_id,
        subscriber_id,
        {{ landing_time_to_utc('created_at') }} as created_at,
        cast(created_at as date) as created_date,
        category,
        severity,
        channel_code,
        {{ landing_time_to_utc('closed_at') }} as closed_at,
        coalesce(is_resolved, false) as is_resolved,
        satisfaction_score,
        {{ reject_columns() }},
        _landing_file

    from judged

)

select * from final
