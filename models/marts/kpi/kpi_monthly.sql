{#- Monthly operating KPIs (经营指标月报) of the existing-subscriber base, one row per month
    of the lifecycle view. The base (在网) is every subscriber active or suspended at the
    month's end; churn is a closure in the month, against the base at the end of the month
    before (by that month's value tier, from segment_strategy). Contact counts are
    calendar months set against the contact policy's total cap. Incremental by month: a
    build rewrites the months the lifecycle view rewrites, reading one month more for the
    month-before figures. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='report_month',
    partition_by=lifecycle_partition_by('report_month'),
    on_schema_change='fail',
) }}

{%- set value_tiers = ['high', 'mid_high', 'mid_low', 'low'] -%}
{%- set first_written_month = lifecycle_first_written_month() -%}

with

subscriber_months as {{ not_materialized() }} (

    select * from {{ ref('fct_subscriber_months') }}
    where {{ lifecycle_window_filter('report_month', lookback_months=1) }}

),

segments as (

    select * from {{ ref('segment_strategy') }}
    where {{ lifecycle_window_filter('segment_month', lookback_months=1) }}

),

total_policy as (

    select max_contacts as total_cap
    from {{ ref('contact_policy') }}
    where policy_scope = 'total'

),

months as (

    select
        subscriber_months.report_month,
        count(case when subscriber_months.status in ('active', 'suspended') then 1 end) as base_subscribers,
        count(case when subscriber_months.status = 'active' then 1 end) as active_subscribers,
        count(case when subscriber_months.status = 'closed' then 1 end) as churned_subscribers,
        sum(case when subscriber_months.has_bill then subscriber_months.total_fee else 0 end) as billed_revenue,
        count(case when subscriber_months.has_bill then 1 end) as billed_subscribers,
        sum(case when subscriber_months.status = 'active' then subscriber_months.data_mb else 0 end) as active_data_mb,
        sum(case when subscriber_months.status = 'active' then subscriber_months.voice_minutes else 0 end)
            as active_voice_minutes,
        sum(case when subscriber_months.status in ('active', 'suspended') then subscriber_months.complaint_count end)
            as complaints,
        count(case
            when subscriber_months.status in ('active', 'suspended') and subscriber_months.has_5g_plan then 1
        end) as subscribers_5g,
        count(case
            when
                subscriber_months.status in ('active', 'suspended')
                and (subscriber_months.has_converged_bundle or subscriber_months.has_broadband)
                then 1
        end) as converged_subscribers,
        count(case
            when subscriber_months.status in ('active', 'suspended') and subscriber_months.outbound_touch_count > 0
                then 1
        end) as contacted_subscribers,
        count(case
            when
                subscriber_months.status in ('active', 'suspended')
                and subscriber_months.outbound_touch_count > total_policy.total_cap
                then 1
        end) as over_cap_subscribers
    from subscriber_months
    left join total_policy on 1 = 1
    group by subscriber_months.report_month

),

previous_base as (

    -- the base at the end of the month before, by value tier, and what became of it
    select
        cast({{ dbt.dateadd('month', 1, 'segments.segment_month') }} as date) as report_month,
        segments.value_tier,
        case when subscriber_months.status = 'closed' then 1 else 0 end as is_churned,
        case when subscriber_months.status in ('active', 'suspended') then 1 else 0 end as is_retained
    from segments
    left join subscriber_months
        on
            segments.subscriber_key = subscriber_months.subscriber_key
            and subscriber_months.report_month = cast({{ dbt.dateadd('month', 1, 'segments.segment_month') }} as date)

),

churn as (

    select
        report_month,
        count(*) as previous_base_subscribers,
        sum(is_churned) as base_churned,
        {%- for tier in value_tiers %}
        count(case when value_tier = '{{ tier }}' then 1 end) as previous_{{ tier }}_subscribers,
        sum(case when value_tier = '{{ tier }}' then is_churned else 0 end) as churned_{{ tier }}_subscribers,
        {%- endfor %}
        sum(case when value_tier in ('high', 'mid_high') then is_retained else 0 end) as retained_mid_high_value
    from previous_base
    group by report_month

),

final as (

    select
        months.report_month,
        cast(months.base_subscribers as {{ dbt.type_int() }}) as base_subscribers,
        cast(months.active_subscribers as {{ dbt.type_int() }}) as active_subscribers,
        cast(months.base_subscribers - churn.previous_base_subscribers as {{ dbt.type_int() }}) as net_adds,
        cast(months.churned_subscribers as {{ dbt.type_int() }}) as churned_subscribers,
        {{ lifecycle_share('churn.base_churned', 'churn.previous_base_subscribers') }} as churn_rate,
        {%- for tier in value_tiers %}
        {{ lifecycle_share('churn.churned_' ~ tier ~ '_subscribers', 'churn.previous_' ~ tier ~ '_subscribers') }}
            as churn_rate_{{ tier }},
        {%- endfor %}
        {{ lifecycle_share(
            'churn.retained_mid_high_value', 'churn.previous_high_subscribers + churn.previous_mid_high_subscribers'
        ) }} as mid_high_value_retention_rate,
        {{ lifecycle_mean('months.billed_revenue', 'months.billed_subscribers') }} as arpu,
        {{ lifecycle_mean('months.active_data_mb', 'months.active_subscribers') }} as dou_mb,
        {{ lifecycle_mean('months.active_voice_minutes', 'months.active_subscribers') }} as mou_minutes,
        {{ lifecycle_share('10000 * months.complaints', 'months.base_subscribers') }} as complaints_per_10k,
        {{ lifecycle_share('months.subscribers_5g', 'months.base_subscribers') }} as penetration_5g,
        {{ lifecycle_share('months.converged_subscribers', 'months.base_subscribers') }} as converged_penetration,
        {{ lifecycle_share('months.contacted_subscribers', 'months.base_subscribers') }} as contact_coverage,
        {{ lifecycle_share('months.over_cap_subscribers', 'months.base_subscribers') }} as over_cap_contact_share
    from months
    left join churn on months.report_month = churn.report_month
    {%- if first_written_month is not none %}
    where months.report_month >= {{ first_written_month }}
    {%- endif %}

)

select * from final
{{ stored_in_month_order('report_month') }}
