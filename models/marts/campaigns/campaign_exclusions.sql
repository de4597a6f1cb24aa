{#- Campaign exclusions (排除清单): every candidate that is not a target, with exactly one
    reason: the first rule it breaks in the order of campaign_exclusion_reasons()
    (exclusion_rule_order). With campaign_targets it accounts for every candidate. The
    evidence behind the contact-count rules is kept beside the reason. Incremental by month. -#}
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
        not is_target
        and {{ lifecycle_window_filter('tag_month') }}

),

final as (

    select
        campaign_month,
        tag_month,
        campaign_id,
        subscriber_key,
        product_id,
        exclusion_reason,
        cast(case exclusion_reason
            {%- for reason in campaign_exclusion_reasons() %}
            when '{{ reason }}' then {{ loop.index }}
            {%- endfor %}
        end as {{ dbt.type_int() }}) as exclusion_rule_order,
        lost_to_campaign_id,
        segment_code,
        channel_code,
        channel_window_contacts,
        channel_cap,
        total_window_contacts,
        total_cap,
        last_complaint_date
    from decided

)

select * from final
