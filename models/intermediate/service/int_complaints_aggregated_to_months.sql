{#- Complaints per subscriber x local month: tickets raised in the month (by category,
    worst severity), tickets still open at the month end whenever they were raised, tickets
    left unresolved, and the satisfaction scores given on tickets closed in the month. What
    a month reports is known at its end: a ticket closed later counts as open, and its
    resolution and score belong to the month it was closed in. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='complaint_month',
    partition_by=lifecycle_partition_by('complaint_month'),
    on_schema_change='append_new_columns',
) }}

{%- set categories = ['network', 'billing', 'service', 'marketing_harassment', 'product', 'fraud', 'other'] -%}
{%- set severity_ranks = {'low': 1, 'medium': 2, 'high': 3} -%}

with

complaints as (

    select * from {{ ref('stg_service__complaints') }}

),

snapshots as (

    select * from {{ ref('stg_crm__subscriber_snapshots') }}
    where {{ lifecycle_window_filter('snapshot_month') }}

),

months as (

    select distinct
        snapshot_month as complaint_month,
        {{ landing_time_to_utc(dbt.dateadd('month', 1, 'snapshot_month')) }} as month_end_at

    from snapshots

),

tickets as (

    select
        ticket_id,
        subscriber_id,
        created_at,
        cast({{ dbt.date_trunc('month', 'created_date') }} as date) as created_month,
        category,
        case severity
            {%- for severity, rank in severity_ranks.items() %}
            when '{{ severity }}' then {{ rank }}
            {%- endfor %}
        end as severity_rank,
        closed_at,
        cast({{ dbt.date_trunc('month', dbt.dateadd('hour', var('landing_utc_offset_hours'), 'closed_at')) }} as date)
            as closed_month,
        is_resolved,
        satisfaction_score

    from complaints

),

ticket_months as (

    {#- each ticket in the months it was raised in, closed in, or open at the end of -#}
    select
        tickets.*,
        months.complaint_month,
        months.month_end_at,
        tickets.created_month = months.complaint_month as is_raised_in_month,
        coalesce(tickets.closed_month = months.complaint_month, false) as is_closed_in_month,
        coalesce(tickets.closed_at >= months.month_end_at, true) as is_open_at_month_end

    from tickets
    inner join months
        on
            tickets.created_at < months.month_end_at
            and (
                tickets.created_month = months.complaint_month
                or tickets.closed_month = months.complaint_month
                or tickets.closed_at is null
                or tickets.closed_at >= months.month_end_at
            )

),

final as (

    select
        subscriber_id,
        complaint_month,
        count(case when is_raised_in_month then 1 end) as complaint_count,
        {%- for category in categories %}
        count(case when is_raised_in_month and category = '{{ category }}' then 1 end)
            as complaint_{{ category }}_count,
        {%- endfor %}
        case max(case when is_raised_in_month then severity_rank end)
            {%- for severity, rank in severity_ranks.items() %}
            when {{ rank }} then '{{ severity }}'
            {%- endfor %}
        end as worst_complaint_severity,
        count(case when is_open_at_month_end then 1 end) as open_complaint_count,
        count(case when is_open_at_month_end or (is_closed_in_month and not is_resolved) then 1 end)
            as unresolved_complaint_count,
        cast(avg(case when is_closed_in_month then satisfaction_score end) as decimal(4, 2))
            as avg_satisfaction_score

    from ticket_months
    group by subscriber_id, complaint_month

)

select * from final
{{ stored_in_month_order('complaint_month') }}
