{#- Campaign targets (目标客户清单): one row per subscriber a campaign contacts, or holds
    back as control, in a campaign month; at most one campaign per subscriber and month.
    The outcome of candidates -> contact policy -> arbitration -> channel capacity ->
    treatment/control split (int_campaign_candidates_arbitrated). Incremental by month. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='campaign_month',
    partition_by=lifecycle_partition_by('campaign_month'),
    on_schema_change='fail',
) }}

with

decided as (

    select * from {{ ref('int_campaign_candidates_arbitrated') }}
    where
        is_target
        and {{ lifecycle_window_filter('tag_month') }}

),

final as (

    select
        campaign_month,
        tag_month,
        campaign_id,
        subscriber_key,
        product_id,
        target_group,
        channel_code,
        window_start_date,
        window_end_date,
        window_basis,
        cast(contact_from_hour as {{ dbt.type_int() }}) as contact_from_hour,
        cast(contact_to_hour as {{ dbt.type_int() }}) as contact_to_hour,
        segment_code,
        qualifying_tag_codes,
        campaign_priority,
        expected_value,
        channel_rate_basis,
        channel_response_rate
    from decided

)

select * from final
