{#- The daily usage landing, typed and judged by the row-level rules (the body of
    base_usage__usage_days). of_subscribers, a relation with a subscriber_id column,
    judges only those subscribers' rows: base_usage__usage_day_repeats needs the few
    subscriber-months whose days repeat, and picking their rows before the rules are
    applied spares judging every other row of the month again. -#}
{% macro usage_days_judged(of_subscribers=none) -%}
{%- set count_columns = usage_count_columns() -%}
{%- set volume_columns = usage_volume_columns() -%}
{%- set typed_columns = {'usage_date': 'date'} -%}
{%- for column in count_columns -%}{%- do typed_columns.update({column: dbt.type_int()}) -%}{%- endfor -%}
{%- for column in volume_columns -%}{%- do typed_columns.update({column: dbt.type_float()}) -%}{%- endfor -%}
{%- set measures = count_columns + volume_columns -%}

with

source as (

    select * from {{ source('usage', 'usage_daily') }}
    {%- if of_subscribers is not none %}
    where nullif(trim(cast(subscriber_id as {{ dbt.type_string() }})), '') in (select subscriber_id from {{ of_subscribers }})
    {%- endif %}

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
        usage_date is null as is_usage_date_missing,
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
            {'reason': 'null_key', 'rule': 'usage_date_not_null', 'when': 'is_usage_date_missing'},
            {'reason': 'orphan_subscriber', 'rule': 'subscriber_in_crm', 'when': 'subscribers.subscriber_id is null'},
            {'reason': 'invalid_value', 'rule': 'typed', 'when': 'invalid_value_check is not null'},
            {'reason': 'invalid_value', 'rule': 'measures_not_null',
                'when': '(' ~ (measures | join(' is null or ')) ~ ' is null)'},
            {'reason': 'negative_amount', 'rule': 'measures_not_negative',
                'when': '(' ~ (measures | join(' < 0 or ')) ~ ' < 0)'},
            {'reason': 'invalid_value', 'rule': 'data_5g_within_data', 'when': 'data_5g_mb > data_mb + 0.1'},
            {'reason': 'future_date', 'rule': 'usage_date_not_after_horizon', 'when': 'usage_date > horizon_date'},
        ]) }} as reject_check

    from typed
    left join subscribers on typed.subscriber_id = subscribers.subscriber_id
    cross join landing_horizon

),

final as (

    select
        usage_date,
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date) as usage_month,
        subscriber_id,
        {%- for column in measures %}
        {{ column }},
        {%- endfor %}
        {{ reject_columns(rank=none) }},
        _landing_file

    from checked

)

select * from final
{%- endmacro %}
