{#- The lifecycle view: one row per subscriber per month, from the month it joins to the
    month it leaves (and again from a win-back). Incremental by month on var as_of_month:
    a build replaces as_of_month and the month before it, --full-refresh every month up
    to as_of_month (see macros/lifecycle/lifecycle_window.sql). Every feature of month m
    comes from months up to m; only the label is_churned_next_month looks at m + 1. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='report_month',
    partition_by=lifecycle_partition_by('report_month'),
    on_schema_change='append_new_columns',
) }}

{#- Lifecycle-stage thresholds: dbt vars, documented in dbt_project.yml. -#}
{%- set won_back_months = var('won_back_months') -%}
{%- set new_subscriber_months = var('new_subscriber_months') -%}
{%- set at_risk_drop_share = var('at_risk_drop_share') -%}
{%- set growing_rise_share = var('growing_rise_share') -%}
{#- The subscriber's own baseline: the mean of its previous months, up to this many. -#}
{%- set baseline_months = 3 -%}
{#- Trended measures: metric prefix -> monthly measure and the type of its changes. -#}
{%- set trends = {
    'arpu': {'column': 'total_fee', 'type': money_type()},
    'mou': {'column': 'voice_minutes', 'type': dbt.type_int()},
    'dou': {'column': 'data_mb', 'type': volume_type()},
    'active_days': {'column': 'active_days', 'type': dbt.type_int()},
} -%}
{#- The measures with a baseline: the trended ones and dropped calls. -#}
{%- set baseline_measures = {'dropped_calls': 'dropped_calls'} -%}
{%- for metric, trend in trends.items() -%}{%- do baseline_measures.update({metric: trend.column}) -%}{%- endfor -%}
{%- set fee_columns = [
    'total_fee', 'plan_fee', 'voice_fee', 'data_fee', 'sms_fee', 'vas_fee',
    'roaming_fee', 'discount_fee', 'paid_fee', 'arrears_fee',
] -%}
{%- set usage_counts = [
    'voice_out_minutes', 'voice_in_minutes', 'voice_calls', 'sms_count',
    'vas_events', 'roaming_minutes', 'dropped_calls',
] -%}
{%- set holding_flags = [
    'has_broadband', 'has_family_plan', 'has_converged_bundle', 'has_vnet', 'has_contract',
    'has_benefits_membership', 'has_vas', 'has_data_pack', 'has_intl_call_pack', 'has_5g_plan',
] -%}
{%- set contact_counts = [
    'outbound_touch_count', 'sms_touch_count', 'outbound_call_touch_count', 'app_push_touch_count',
    'wechat_touch_count', 'store_touch_count', 'response_count', 'acceptance_count', 'opt_out_count',
    'inbound_contact_count',
] -%}
{%- set complaint_counts = [
    'complaint_count', 'complaint_network_count', 'complaint_billing_count', 'complaint_service_count',
    'complaint_marketing_harassment_count', 'complaint_product_count', 'complaint_fraud_count',
    'complaint_other_count', 'open_complaint_count', 'unresolved_complaint_count',
] -%}

with

spine as (

    select * from {{ ref('int_subscriber_months_spined') }}
    where {{ lifecycle_window_filter('report_month') }}

),

{# the months written and the baseline months before them, for the trended measures only #}
baseline_spine as (

    select
        subscriber_id,
        report_month,
        month_index
    from {{ ref('int_subscriber_months_spined') }}
    where {{ lifecycle_window_filter('report_month', lookback_months=baseline_months) }}

),

monthly_usage as (

    select * from {{ ref('int_usage_days_aggregated_to_months') }}
    where {{ lifecycle_window_filter('usage_month', lookback_months=baseline_months) }}

),

bills as (

    select * from {{ ref('int_bills_aggregated_to_months') }}
    where {{ lifecycle_window_filter('bill_month', lookback_months=baseline_months) }}

),

call_circles as (

    select * from {{ ref('int_call_circles_aggregated_to_months') }}
    where {{ lifecycle_window_filter('circle_month') }}

),

holdings as (

    select * from {{ ref('int_product_orders_pivoted_to_months') }}
    where {{ lifecycle_window_filter('holding_month') }}

),

contacts as (

    select * from {{ ref('int_contacts_aggregated_to_months') }}
    where {{ lifecycle_window_filter('contact_month') }}

),

complaints as (

    select * from {{ ref('int_complaints_aggregated_to_months') }}
    where {{ lifecycle_window_filter('complaint_month') }}

),

measures as (

    select
        baseline_spine.subscriber_id,
        baseline_spine.report_month,
        baseline_spine.month_index,
        coalesce(bills.total_fee, 0) as total_fee,
        coalesce(monthly_usage.voice_out_minutes, 0) + coalesce(monthly_usage.voice_in_minutes, 0) as voice_minutes,
        coalesce(monthly_usage.data_mb, 0) as data_mb,
        coalesce(monthly_usage.active_days, 0) as active_days,
        coalesce(monthly_usage.dropped_calls, 0) as dropped_calls

    from baseline_spine
    left join monthly_usage
        on
            baseline_spine.subscriber_id = monthly_usage.subscriber_id
            and baseline_spine.report_month = monthly_usage.usage_month
    left join bills
        on
            baseline_spine.subscriber_id = bills.subscriber_id
            and baseline_spine.report_month = bills.bill_month

),

trended as (

    {#- each written month's previous month and baseline months, joined by month index:
        months are indexed, so month_index - k is k calendar months before, and a month
        the subscriber was absent in is simply not there. Joins, not a window frame: the
        window sorted every subscriber's months and cost four times as much. A sum over
        no months is 0 here (null from a window); its mean and shares are null either way,
        as they divide by the month count or by the sum. -#}
    select
        written.subscriber_id,
        written.report_month,
        {%- for metric, column in baseline_measures.items() %}
        {%- if metric in trends %}
        month_minus_1.{{ column }} as {{ metric }}_prev_month,
        {%- endif %}
        (
            {%- for k in range(1, baseline_months + 1) %}
            {{ '+ ' if not loop.first }}coalesce(month_minus_{{ k }}.{{ column }}, 0)
            {%- endfor %}
        ) as {{ metric }}_baseline_sum,
        {%- endfor %}
        {#- the baseline months the subscriber was there in (a measure is never null then) #}
        (
            {%- for k in range(1, baseline_months + 1) %}
            {{ '+ ' if not loop.first }}case when month_minus_{{ k }}.subscriber_id is null then 0 else 1 end
            {%- endfor %}
        ) as baseline_month_count

    from measures as written
    {% for k in range(1, baseline_months + 1) -%}
    left join measures as month_minus_{{ k }}
        on
            written.subscriber_id = month_minus_{{ k }}.subscriber_id
            and written.month_index - {{ k }} = month_minus_{{ k }}.month_index
    {% endfor -%}
    where {{ lifecycle_window_filter('written.report_month') }}

),

usage_and_bills_joined as {{ computed_whole() }} (

    {#- the joins in two halves, each computed whole: at 10M subscribers x 3 months the
        hash tables of all eight at once ran out of 12 GB (macros/cross_db/computed_whole.sql) -#}
    select
        spine.subscriber_id,
        spine.report_month,
        spine.month_index,
        spine.subscriber_key,
        spine.region_code,
        spine.customer_type,
        spine.plan_id,
        spine.open_date,
        spine.tenure_months,
        spine.status,
        spine.status_date,
        spine.close_reason,
        spine.won_back_month,
        spine.is_churned_next_month,
        spine.is_premium_number,
        spine.has_5g_device,
        spine.has_marketing_consent,
        spine.is_dnd_registered,
        spine.risk_flag,
        bills.subscriber_id is not null as has_bill,
        {%- for column in fee_columns %}
        coalesce(bills.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        coalesce(bills.has_arrears, false) as has_arrears,
        {%- for column in usage_counts %}
        coalesce(monthly_usage.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        coalesce(monthly_usage.voice_out_minutes, 0) + coalesce(monthly_usage.voice_in_minutes, 0) as voice_minutes,
        coalesce(monthly_usage.data_mb, 0) as data_mb,
        coalesce(monthly_usage.data_5g_mb, 0) as data_5g_mb,
        coalesce(monthly_usage.active_days, 0) as active_days,
        trended.arpu_prev_month,
        trended.arpu_baseline_sum,
        trended.mou_prev_month,
        trended.mou_baseline_sum,
        trended.dou_prev_month,
        trended.dou_baseline_sum,
        trended.active_days_prev_month,
        trended.active_days_baseline_sum,
        trended.dropped_calls_baseline_sum,
        trended.baseline_month_count,
        spine.contract_end_date as snapshot_contract_end_date

    from spine
    inner join trended
        on
            spine.subscriber_id = trended.subscriber_id
            and spine.report_month = trended.report_month
    left join monthly_usage
        on
            spine.subscriber_id = monthly_usage.subscriber_id
            and spine.report_month = monthly_usage.usage_month
    left join bills
        on
            spine.subscriber_id = bills.subscriber_id
            and spine.report_month = bills.bill_month

),

joined as (

    select
        usage_and_bills_joined.*,
        coalesce(call_circles.circle_size, 0) as circle_size,
        coalesce(call_circles.on_net_contacts, 0) as on_net_contacts,
        coalesce(call_circles.off_net_contacts, 0) as off_net_contacts,
        {%- for column in holding_flags %}
        coalesce(holdings.{{ column }}, false) as {{ column }},
        {%- endfor %}
        coalesce(holdings.contract_end_date, usage_and_bills_joined.snapshot_contract_end_date) as contract_end_date,
        {%- for column in contact_counts %}
        coalesce(contacts.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        {%- for column in complaint_counts %}
        coalesce(complaints.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        complaints.worst_complaint_severity,
        complaints.avg_satisfaction_score

    from usage_and_bills_joined
    left join call_circles
        on
            usage_and_bills_joined.subscriber_id = call_circles.subscriber_id
            and usage_and_bills_joined.report_month = call_circles.circle_month
    left join holdings
        on
            usage_and_bills_joined.subscriber_id = holdings.subscriber_id
            and usage_and_bills_joined.report_month = holdings.holding_month
    left join contacts
        on
            usage_and_bills_joined.subscriber_id = contacts.subscriber_id
            and usage_and_bills_joined.report_month = contacts.contact_month
    left join complaints
        on
            usage_and_bills_joined.subscriber_id = complaints.subscriber_id
            and usage_and_bills_joined.report_month = complaints.complaint_month

),

changed as (

    {#- a share is the change relative to the earlier value (-0.3 = fell by 30%), null when
        the earlier value is missing or zero. A baseline share comes from the exact sum,
        (value x months - sum) / sum, not from the rounded mean. -#}
    select
        *,
        total_fee - arpu_prev_month as arpu_mom_change,
        {{ lifecycle_share('total_fee - arpu_prev_month', 'arpu_prev_month') }} as arpu_mom_change_share,
        {{ lifecycle_mean('arpu_baseline_sum', 'baseline_month_count') }} as arpu_baseline_3m,
        {{ lifecycle_share('total_fee * baseline_month_count - arpu_baseline_sum', 'arpu_baseline_sum') }}
            as arpu_baseline_change_share,
        voice_minutes - mou_prev_month as mou_mom_change,
        {{ lifecycle_share('voice_minutes - mou_prev_month', 'mou_prev_month') }} as mou_mom_change_share,
        {{ lifecycle_mean('mou_baseline_sum', 'baseline_month_count') }} as mou_baseline_3m,
        {{ lifecycle_share('voice_minutes * baseline_month_count - mou_baseline_sum', 'mou_baseline_sum') }}
            as mou_baseline_change_share,
        data_mb - dou_prev_month as dou_mom_change,
        {{ lifecycle_share('data_mb - dou_prev_month', 'dou_prev_month') }} as dou_mom_change_share,
        {{ lifecycle_mean('dou_baseline_sum', 'baseline_month_count') }} as dou_baseline_3m,
        {{ lifecycle_share('data_mb * baseline_month_count - dou_baseline_sum', 'dou_baseline_sum') }}
            as dou_baseline_change_share,
        active_days - active_days_prev_month as active_days_mom_change,
        {{ lifecycle_share('active_days - active_days_prev_month', 'active_days_prev_month') }}
            as active_days_mom_change_share,
        {{ lifecycle_mean('active_days_baseline_sum', 'baseline_month_count') }} as active_days_baseline_3m,
        {{ lifecycle_share(
            'active_days * baseline_month_count - active_days_baseline_sum', 'active_days_baseline_sum'
        ) }} as active_days_baseline_change_share,
        {{ lifecycle_mean('dropped_calls_baseline_sum', 'baseline_month_count') }} as dropped_calls_baseline_3m

    from joined

),

staged as (

    select
        *,
        case
            when status = 'closed' then 'churned'
            when
                won_back_month is not null
                and {{ dbt.datediff('won_back_month', 'report_month', 'month') }} < {{ won_back_months }}
                then 'won_back'
            when tenure_months < {{ new_subscriber_months }} then 'new'
            when active_days = 0 then 'silent'
            when
                status = 'suspended'
                or arpu_baseline_change_share < -{{ at_risk_drop_share }}
                or mou_baseline_change_share < -{{ at_risk_drop_share }}
                or dou_baseline_change_share < -{{ at_risk_drop_share }}
                or has_arrears
                or unresolved_complaint_count > 0
                then 'at_risk'
            when arpu_baseline_change_share > {{ growing_rise_share }} then 'growing'
            else 'stable'
        end as lifecycle_stage

    from changed

),

final as {{ computed_whole() }} (

    select
        subscriber_key,
        report_month,
        region_code,
        customer_type,
        plan_id,
        open_date,
        cast(tenure_months as {{ dbt.type_int() }}) as tenure_months,
        status,
        status_date,
        close_reason,
        lifecycle_stage,
        won_back_month,
        is_premium_number,
        has_5g_device,
        has_marketing_consent,
        is_dnd_registered,
        risk_flag,
        has_bill,
        {%- for column in fee_columns %}
        cast({{ column }} as {{ money_type() }}) as {{ column }},
        {%- endfor %}
        has_arrears,
        {%- for column in usage_counts %}
        cast({{ column }} as {{ dbt.type_int() }}) as {{ column }},
        {%- endfor %}
        cast(voice_minutes as {{ dbt.type_int() }}) as voice_minutes,
        cast(data_mb as {{ volume_type() }}) as data_mb,
        cast(data_5g_mb as {{ volume_type() }}) as data_5g_mb,
        cast(active_days as {{ dbt.type_int() }}) as active_days,
        {%- for metric, trend in trends.items() %}
        cast({{ metric }}_prev_month as {{ trend.type }}) as {{ metric }}_prev_month,
        cast({{ metric }}_mom_change as {{ trend.type }}) as {{ metric }}_mom_change,
        {{ metric }}_mom_change_share,
        {{ metric }}_baseline_3m,
        {{ metric }}_baseline_change_share,
        {%- endfor %}
        dropped_calls_baseline_3m,
        cast(circle_size as {{ dbt.type_int() }}) as circle_size,
        cast(on_net_contacts as {{ dbt.type_int() }}) as on_net_contacts,
        cast(off_net_contacts as {{ dbt.type_int() }}) as off_net_contacts,
        {%- for column in holding_flags %}
        {{ column }},
        {%- endfor %}
        contract_end_date,
        case
            when contract_end_date >= report_month
                then cast({{ dbt.datediff('report_month', 'contract_end_date', 'month') }} as {{ dbt.type_int() }})
        end as months_to_contract_end,
        {%- for column in contact_counts %}
        cast({{ column }} as {{ dbt.type_int() }}) as {{ column }},
        {%- endfor %}
        {%- for column in complaint_counts %}
        cast({{ column }} as {{ dbt.type_int() }}) as {{ column }},
        {%- endfor %}
        unresolved_complaint_count > 0 as has_unresolved_complaint,
        worst_complaint_severity,
        avg_satisfaction_score,
        is_churned_next_month

    from staged

)

select * from final
{{ stored_in_month_order('report_month') }}
