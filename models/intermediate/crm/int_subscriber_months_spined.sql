{#- The subscriber-month spine: one row per subscriber and CRM snapshot month, for every
    month the subscriber exists (active, suspended, or closed in its churn month), whether
    or not it used the network. Sequenced over the subscriber's whole history: tenure, the
    latest closure before the month and the month the subscriber came back after it. Only
    the label is_churned_next_month looks one month ahead.

    Incremental by month like the roll-ups: a build writes the window's months; closures
    and returns are read from the whole history (they are few), the month after from the
    month after each written one. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='report_month',
    partition_by=lifecycle_partition_by('report_month'),
    on_schema_change='fail',
) }}

with

snapshots as {{ not_materialized() }} (

    select * from {{ ref('stg_crm__subscriber_snapshots') }}

),

landed as (

    select max(snapshot_month) as latest_snapshot_month
    from snapshots

),

indexed as {{ not_materialized() }} (

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

written as (

    select * from indexed
    where {{ lifecycle_window_filter('report_month') }}

),

-- the month after each written month, for the label
following as (

    select
        subscriber_id,
        month_index,
        status
    from indexed
    where {{ lifecycle_window_filter(dbt.dateadd('month', -1, 'report_month')) }}

),

closures as (

    select
        subscriber_id,
        report_month as closed_month

    from indexed
    where status = 'closed'

),

returns as (

    {#- each closure with the first month the subscriber was back after it, if it came back -#}
    select
        closures.subscriber_id,
        closures.closed_month,
        min(indexed.report_month) as won_back_month

    from closures
    left join indexed
        on
            closures.subscriber_id = indexed.subscriber_id
            and closures.closed_month < indexed.report_month
    group by closures.subscriber_id, closures.closed_month

),

latest_closures as (

    {#- each written month after a closure with the latest closure before it -#}
    select
        written.subscriber_id,
        written.report_month,
        max(closures.closed_month) as last_closed_month

    from written
    inner join closures
        on
            written.subscriber_id = closures.subscriber_id
            and written.report_month > closures.closed_month
    group by written.subscriber_id, written.report_month

),

sequenced as (

    {#- joins, not window functions: closures are few, and a window over every
        subscriber-month would sort the whole history by subscriber -#}
    select
        written.*,
        latest_closures.last_closed_month,
        returns.won_back_month,
        next_month.status as next_month_status

    from written
    left join latest_closures
        on
            written.subscriber_id = latest_closures.subscriber_id
            and written.report_month = latest_closures.report_month
    left join returns
        on
            latest_closures.subscriber_id = returns.subscriber_id
            and latest_closures.last_closed_month = returns.closed_month
    left join following as next_month
        on
            written.subscriber_id = next_month.subscriber_id
            and written.month_index + 1 = next_month.month_index

),

final as (

    select
        sequenced.subscriber_id,
        sequenced.report_month,
        sequenced.month_index,
        sequenced.subscriber_key,
        sequenced.region_code,
        sequenced.customer_type,
        sequenced.plan_id,
        sequenced.open_date,
        sequenced.tenure_months,
        sequenced.status,
        sequenced.status_date,
        sequenced.close_reason,
        sequenced.contract_end_date,
        sequenced.is_premium_number,
        sequenced.has_5g_device,
        sequenced.has_marketing_consent,
        sequenced.is_dnd_registered,
        sequenced.risk_flag,
        sequenced.last_closed_month,
        sequenced.won_back_month,
        sequenced.next_month_status,
        case
            when sequenced.next_month_status = 'closed' then true
            when sequenced.next_month_status is not null then false
            -- month m + 1 has not landed: unknown
            when sequenced.report_month >= landed.latest_snapshot_month then cast(null as boolean)
            -- closed this month and gone next month: it left already, not again
            when sequenced.status = 'closed' then false
            -- absent next month after an active or suspended month: it left without a closed snapshot
            else true
        end as is_churned_next_month

    from sequenced
    cross join landed

)

select * from final
{{ stored_in_month_order('report_month') }}
