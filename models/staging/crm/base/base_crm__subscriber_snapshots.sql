{#- Every landed CRM row, typed, normalised, pseudonymised and judged: reject_reason is
    null for a valid row. Stored, so the pseudonyms are computed once; incremental by
    snapshot month like the roll-ups, so a monthly build pseudonymises only the months it
    writes (and any later one, and the rows without a readable month, partition
    'undated'). The dedup and the horizon look within those months only, which is all
    they need: a key is (subscriber, month), and the latest month is always among them. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='snapshot_partition',
    partition_by=lifecycle_partition_by('snapshot_partition'),
    on_schema_change='append_new_columns',
) }}

{#- Not lifecycle_first_written_month(): its default as_of_month reads the CRM staging
    built from this very model. -#}
{%- set first_written_month = lifecycle_stored_first_written_month(this, 'snapshot_month') %}

{#- identifier -> its keyed pseudonym -#}
{%- set pseudonymised_columns = {'subscriber_id': 'subscriber_key', 'msisdn': 'msisdn_key', 'cert_id': 'cert_key'} -%}
{%- set typed_columns = {
    'snapshot_month': 'date',
    'birth_date': 'date',
    'open_date': 'date',
    'status_date': 'date',
    'contract_end_date': 'date',
    'is_premium_number': dbt.type_boolean(),
    'device_5g_capable': dbt.type_boolean(),
    'is_realname_verified': dbt.type_boolean(),
    'marketing_consent': dbt.type_boolean(),
    'dnd_flag': dbt.type_boolean(),
} -%}

with

source as {{ not_materialized() }} (

    select * from {{ source('crm', 'subscribers') }}
    {{ landing_rows_from_month('snapshot_month', first_written_month) }}

),

plans as (

    select product_id from {{ ref('products') }}
    where product_type in ('plan', 'converged')

),

normalised as {{ not_materialized() }} (

    select
        _landing_file,
        nullif(trim(cast(subscriber_id as {{ dbt.type_string() }})), '') as subscriber_id,
        {{ normalise_msisdn('msisdn') }} as msisdn,
        snapshot_month is null as is_snapshot_month_missing,
        upper(trim(cast(cert_id as {{ dbt.type_string() }}))) as cert_id,
        upper(trim(cast(gender as {{ dbt.type_string() }}))) as gender,
        lower(trim(cast(status as {{ dbt.type_string() }}))) as status,
        lower(trim(cast(close_reason as {{ dbt.type_string() }}))) as close_reason,
        upper(trim(cast(plan_id as {{ dbt.type_string() }}))) as plan_id,
        lower(trim(cast(customer_type as {{ dbt.type_string() }}))) as customer_type,
        trim(cast(region_code as {{ dbt.type_string() }})) as region_code,
        lower(trim(cast(acquisition_channel as {{ dbt.type_string() }}))) as acquisition_channel,
        nullif(trim(cast(family_group_id as {{ dbt.type_string() }})), '') as family_group_id,
        lower(trim(cast(risk_flag as {{ dbt.type_string() }}))) as risk_flag,
        {%- for column, type in typed_columns.items() %}
        {{ dbt.safe_cast(column, type) }} as {{ column }},
        {%- endfor %}
        {{ reject_check(invalid_value_checks(typed_columns)) }} as invalid_value_check

    from source

),

landing_horizon as (

    select {{ dbt.last_day('max(snapshot_month)', 'month') }} as horizon_date
    from normalised

),

checked as (

    select
        normalised.*,
        {{ reject_check([
            {'reason': 'null_key', 'rule': 'subscriber_id_not_null', 'when': 'subscriber_id is null'},
            {'reason': 'null_key', 'rule': 'snapshot_month_not_null', 'when': 'is_snapshot_month_missing'},
            {'reason': 'invalid_value', 'rule': 'typed', 'when': 'invalid_value_check is not null'},
            {'reason': 'invalid_value', 'rule': 'snapshot_month_is_month_start',
                'when': 'snapshot_month <> ' ~ dbt.date_trunc('month', 'snapshot_month')},
            {'reason': 'unknown_code', 'rule': 'gender_in_list', 'when': "coalesce(gender, '') not in ('M', 'F', 'U')"},
            {'reason': 'unknown_code', 'rule': 'status_in_list',
                'when': "coalesce(status, '') not in ('active', 'suspended', 'closed')"},
            {'reason': 'unknown_code', 'rule': 'close_reason_in_list',
                'when': "close_reason not in ('port_out', 'voluntary', 'non_payment', 'fraud', 'other')"},
            {'reason': 'unknown_code', 'rule': 'customer_type_in_list',
                'when': "coalesce(customer_type, '') not in ('individual', 'family', 'enterprise')"},
            {'reason': 'unknown_code', 'rule': 'risk_flag_in_list',
                'when': "coalesce(risk_flag, '') not in ('none', 'suspected_fraud', 'blacklisted')"},
            {'reason': 'unknown_code', 'rule': 'plan_id_in_products',
                'when': 'plan_id is null or plan_id not in (select product_id from plans)'},
            {'reason': 'unknown_code', 'rule': 'region_code_in_regions',
                'when': 'region_code is null or region_code not in (select region_code from ' ~ ref('regions') ~ ')'},
            {'reason': 'unknown_code', 'rule': 'acquisition_channel_in_channels',
                'when': 'acquisition_channel is null or acquisition_channel not in (select channel_code from '
                    ~ ref('channels') ~ ')'},
            {'reason': 'malformed_msisdn', 'rule': 'msisdn_is_11_digit_mobile',
                'when': 'msisdn is null or not ' ~ regexp_full_match('msisdn', '1[3-9][0-9]{9}')},
            {'reason': 'future_date', 'rule': 'open_date_not_after_horizon', 'when': 'open_date > horizon_date'},
            {'reason': 'future_date', 'rule': 'status_date_not_after_horizon', 'when': 'status_date > horizon_date'},
            {'reason': 'future_date', 'rule': 'birth_date_not_after_horizon', 'when': 'birth_date > horizon_date'},
        ]) }} as reject_check

    from normalised
    cross join landing_horizon

),

{% for column, key in pseudonymised_columns.items() -%}
{{ key }}s as (

    {#- each value hashed once: a subscriber's identifiers repeat in every month. The
        landing rows are read again for this column (source and normalised are inlined),
        not copied whole for every reader. -#}
    select
        {{ column }},
        {{ pseudonymise(column) }} as {{ key }}
    from normalised
    where {{ column }} is not null
    group by {{ column }}

),

{% endfor -%}
judged as (

    select
        checked.*,
        {{ duplicate_rank(['subscriber_id', 'snapshot_month'], ['status_date desc', 'msisdn']) }} as duplicate_rank
    from checked

),

keyed as (

    select
        judged.*,
        subscriber_keys.subscriber_key,
        msisdn_keys.msisdn_key,
        cert_keys.cert_key
    from judged
    {% for column, key in pseudonymised_columns.items() -%}
    left join {{ key }}s on judged.{{ column }} = {{ key }}s.{{ column }}
    {% endfor %}
),

final as (

    select
        snapshot_month,
        subscriber_id,
        subscriber_key,
        msisdn_key,
        case
            when {{ regexp_full_match('msisdn', '1[3-9][0-9]{9}') }} then {{ mask_msisdn('msisdn') }}
        end as msisdn_masked,
        cert_key,
        gender,
        {{ date_part_int('month', 'birth_date') }} as birth_month,
        {{ date_part_int('day', 'birth_date') }} as birth_day,
        {{ age_band('birth_date', 'snapshot_month') }} as age_band,
        open_date,
        status,
        status_date,
        close_reason,
        plan_id,
        customer_type,
        region_code,
        acquisition_channel,
        is_premium_number,
        contract_end_date,
        family_group_id,
        device_5g_capable as has_5g_device,
        is_realname_verified,
        risk_flag,
        marketing_consent as has_marketing_consent,
        dnd_flag as is_dnd_registered,
        {{ reject_columns() }},
        _landing_file,
        {{ landing_month_partition('snapshot_month') }} as snapshot_partition

    from keyed

)

select * from final
{{ stored_in_month_order('snapshot_partition') }}
