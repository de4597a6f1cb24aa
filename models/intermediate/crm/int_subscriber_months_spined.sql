{#- The subscriber-month spine: one row per subscriber and CRM snapshot month, for every
    month the subscriber exists (active, suspended, or closed in its churn month), whether
    or not it used the network. Sequenced over the subscriber's whole history: tenure, the
    latest closure before the month and the month the subscriber came back after it. Only
    the label is_churned_next_month looks one month ahead. -#}
{{ config(materialized='table') }}

with

snapshots as (

    select * from {{ ref('stg_crm__subscriber_snapshots') }}

),

landed as (

    select max(snapshot_month) as latest_snapshot_month
    from snapshots

),

indexed as (

    select
        subscriber_id,
        snapshot_month as report_month,
        cast(
            {{ dbt.datediff("cast('2000-01-01' as date)", 'snapshot_month', 'month') }} as {{ dbt.type_int() }}
        ) as month_index,
        subscriber_key,
        region_code,
        customer_type,
        plan_id,
        open_date,
        cast(
            {{ dbt.datediff(dbt.date_trunc('month', 'open_date'), 'snapshot_month', 'month') }} as {{ dbt.type_int() }}
        ) as tenure_months,
        status,
        status_date,
        close_reason,
        contract_end_date,
        is_premium_number,
        has_5g_device,
        has_marketing_consent,
        is_dnd_registered,
        risk_flag

    from snapshots

),

sequenced as (

    select
        *,
        max(case when status = 'closed' then report_month end) over (
            partition by subscriber_id
            order by month_index
            rows between unbounded preceding and 1 preceding
        ) as last_closed_month,
        max(status) over (
            partition by subscriber_id
            order by month_index
            range between 1 following and 1 following
        ) as next_month_status

    from indexed

),

returned as (

    select
        *,
        case
            when last_closed_month is not null
                then min(report_month) over (partition by subscriber_id, last_closed_month)
        end as won_back_month

    from sequenced

),

final as (

    select
        returned.subscriber_id,
        returned.report_month,
        returned.month_index,
        returned.subscriber_key,
        returned.region_code,
        returned.customer_type,
        returned.plan_id,
        returned.open_date,
        returned.tenure_months,
        returned.status,
        returned.status_date,
        returned.close_reason,
        returned.contract_end_date,
        returned.is_premium_number,
        returned.has_5g_device,
        returned.has_marketing_consent,
        returned.is_dnd_registered,
        returned.risk_flag,
        returned.last_closed_month,
        returned.won_back_month,
        returned.next_month_status,
        case
            when returned.next_month_status = 'closed' then true
            when returned.next_month_status is not null then false
            -- month m + 1 has not landed: unknown
            when returned.report_month >= landed.latest_snapshot_month then cast(null as boolean)
            -- closed this month and gone next month: it left already, not again
            when returned.status = 'closed' then false
            -- absent next month after an active or suspended month: it left without a closed snapshot
            else true
        end as is_churned_next_month

    from returned
    cross join landed

)

select * from final
