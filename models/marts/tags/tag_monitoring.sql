{{ config(materialized='table') }}

{#- Coverage of every registered tag per month (share of the month's subscribers in the
    lifecycle view that carry it) and its change against the previous month. A broken
    upstream often shows here first: see the tag_coverage_change_within test. -#}
{%- set registry = tag_registry() -%}

with

subscriber_months as (

    select
        report_month as tag_month,
        count(*) as subscribers
    from {{ ref('fct_subscriber_months') }}
    group by report_month

),

tags as (

    select
        tag_code,
        tag_month,
        -- a row per subscriber (subscriber_tags is unique on key, month and code: tested)
        count(*) as tagged_subscribers
    from {{ ref('subscriber_tags') }}
    group by tag_code, tag_month

),

registered_codes as (
    {%- for tag in registry %}
    select
        '{{ tag.code }}' as tag_code,
        {{ 'true' if tag.is_monitored else 'false' }} as is_monitored
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as tag_code,
        cast(null as {{ dbt.type_boolean() }}) as is_monitored
    where 1 = 0
    {%- endfor %}
),

registered_months as (

    select
        registered_codes.tag_code,
        registered_codes.is_monitored,
        subscriber_months.tag_month,
        subscriber_months.subscribers
    from subscriber_months
    cross join registered_codes

),

covered as (

    select
        registered_months.tag_code,
        registered_months.is_monitored,
        registered_months.tag_month,
        registered_months.subscribers,
        coalesce(tags.tagged_subscribers, 0) as tagged_subscribers,
        {{ lifecycle_share('coalesce(tags.tagged_subscribers, 0)', 'registered_months.subscribers') }} as coverage
    from registered_months
    left join tags
        on
            registered_months.tag_code = tags.tag_code
            and registered_months.tag_month = tags.tag_month

),

first_month as (

    select min(tag_month) as first_tag_month
    from subscriber_months

),

compared as (

    select
        covered.tag_code,
        covered.is_monitored,
        covered.tag_month,
        covered.subscribers,
        covered.tagged_subscribers,
        covered.coverage,
        case
            -- the first month in the view has no history, so trend tags are empty there
            when lag(covered.tag_month) over (partition by covered.tag_code order by covered.tag_month)
                > first_month.first_tag_month
                then lag(covered.coverage) over (partition by covered.tag_code order by covered.tag_month)
        end as previous_coverage
    from covered
    cross join first_month

),

final as (

    select
        tag_code,
        tag_month,
        is_monitored,
        subscribers,
        tagged_subscribers,
        coverage,
        previous_coverage,
        coverage - previous_coverage as coverage_change
    from compared

)

select * from final
