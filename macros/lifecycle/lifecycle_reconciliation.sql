{#- Which months a reconciliation test of the lifecycle view checks.

    months='written': the months this build wrote: every month up to as_of_month with
    --full-refresh, else as_of_month and the month before it. A difference there is an
    error in the build.
    months='earlier': the months before those (none with --full-refresh). A difference
    there means data landed late for a month built earlier: that month is stale until it
    is rebuilt (--vars '{as_of_month: <month>}'), which the test reports as a warning. -#}
{% macro lifecycle_reconciliation_filter(column, months) -%}
    {%- set as_of = as_of_month(resolve=true) -%}
    {%- set first_written = dbt.dateadd('month', 1 - lifecycle_incremental_months(), as_of) -%}
    {#- `flags` is undefined only while sqlfluff renders the tests -#}
    {%- set full_refresh = flags.FULL_REFRESH if flags is defined else false -%}
    {%- if months == 'written' -%}
        {{ column }} <= {{ as_of }}
        {%- if not full_refresh %} and {{ column }} >= {{ first_written }}{% endif -%}
    {%- elif months == 'earlier' -%}
        {%- if full_refresh -%}1 = 0{%- else -%}{{ column }} < {{ first_written }}{%- endif -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("months must be 'written' or 'earlier', got '" ~ months ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- Per month, the valid staged bills against the lifecycle view: total_fee summed and bills
    counted. Returns the months that differ. A lifecycle month without any staged bill
    reconciles when the view has no bill in it either (0 = 0; e.g. a real data set with
    bills for its observation month only). -#}
{% macro lifecycle_bill_reconciliation(months) -%}
with

staged_bills as (

    select
        bill_month as report_month,
        sum(total_fee) as total_fee,
        count(*) as bill_count

    from {{ ref('stg_billing__bills') }}
    group by bill_month

),

lifecycle_bills as (

    select
        report_month,
        sum(total_fee) as total_fee,
        sum(case when has_bill then 1 else 0 end) as bill_count

    from {{ ref('fct_subscriber_months') }}
    group by report_month

),

lifecycle_months as (

    select min(report_month) as first_month
    from lifecycle_bills

),

final as (

    select
        coalesce(staged_bills.report_month, lifecycle_bills.report_month) as report_month,
        staged_bills.total_fee as staged_total_fee,
        lifecycle_bills.total_fee as lifecycle_total_fee,
        staged_bills.bill_count as staged_bill_count,
        lifecycle_bills.bill_count as lifecycle_bill_count

    from staged_bills
    full outer join lifecycle_bills on staged_bills.report_month = lifecycle_bills.report_month
    cross join lifecycle_months
    where
        coalesce(staged_bills.report_month, lifecycle_bills.report_month) >= lifecycle_months.first_month
        and {{ lifecycle_reconciliation_filter('coalesce(staged_bills.report_month, lifecycle_bills.report_month)', months) }}
        and (
            lifecycle_bills.total_fee is null
            or coalesce(staged_bills.total_fee, 0) <> lifecycle_bills.total_fee
            or coalesce(staged_bills.bill_count, 0) <> lifecycle_bills.bill_count
        )

)

select * from final
{%- endmacro %}

{#- Per month and status (active, suspended), the subscribers of the valid CRM snapshot
    against those of the lifecycle view. Returns the months and statuses that differ. -#}
{% macro lifecycle_status_reconciliation(months) -%}
with

crm_counts as (

    select
        snapshot_month as report_month,
        status,
        count(*) as subscriber_count

    from {{ ref('stg_crm__subscriber_snapshots') }}
    where status in ('active', 'suspended')
    group by snapshot_month, status

),

lifecycle_counts as (

    select
        report_month,
        status,
        count(*) as subscriber_count

    from {{ ref('fct_subscriber_months') }}
    where status in ('active', 'suspended')
    group by report_month, status

),

lifecycle_months as (

    select min(report_month) as first_month
    from {{ ref('fct_subscriber_months') }}

),

final as (

    select
        coalesce(crm_counts.report_month, lifecycle_counts.report_month) as report_month,
        coalesce(crm_counts.status, lifecycle_counts.status) as status,
        crm_counts.subscriber_count as crm_subscriber_count,
        lifecycle_counts.subscriber_count as lifecycle_subscriber_count

    from crm_counts
    full outer join lifecycle_counts
        on
            crm_counts.report_month = lifecycle_counts.report_month
            and crm_counts.status = lifecycle_counts.status
    cross join lifecycle_months
    where
        coalesce(crm_counts.report_month, lifecycle_counts.report_month) >= lifecycle_months.first_month
        and {{ lifecycle_reconciliation_filter('coalesce(crm_counts.report_month, lifecycle_counts.report_month)', months) }}
        and (
            crm_counts.subscriber_count is null
            or lifecycle_counts.subscriber_count is null
            or crm_counts.subscriber_count <> lifecycle_counts.subscriber_count
        )

)

select * from final
{%- endmacro %}
