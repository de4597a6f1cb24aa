{#- Churn by tenure cohort and value tier (按在网时长与价值层级的离网分析).

    Question: which tenure cohorts and value tiers lose subscribers, month by month?
    For every month of the lifecycle view whose next month has landed, the base at its end
    (active or suspended) by tenure cohort (0-5, 6-11, 12-23, 24-59, 60+ months) and value
    tier (segment_strategy; low without a bill), and how many of them closed in the next
    month (is_churned_next_month).

    Run: dbt compile --select churn_by_tenure_cohort_and_value_tier, then run the SQL in
    target/compiled/.../analyses/ against the served database. -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}
    where
        status in ('active', 'suspended')
        and is_churned_next_month is not null

),

segments as (

    select * from {{ ref('segment_strategy') }}

),

cohorts as (

    select
        subscriber_months.report_month,
        case
            when subscriber_months.tenure_months < 6 then '00-05'
            when subscriber_months.tenure_months < 12 then '06-11'
            when subscriber_months.tenure_months < 24 then '12-23'
            when subscriber_months.tenure_months < 60 then '24-59'
            else '60+'
        end as tenure_cohort,
        coalesce(segments.value_tier, 'low') as value_tier,
        subscriber_months.is_churned_next_month
    from subscriber_months
    left join segments
        on
            subscriber_months.subscriber_key = segments.subscriber_key
            and subscriber_months.report_month = segments.segment_month

),

final as (

    select
        report_month,
        tenure_cohort,
        value_tier,
        count(*) as subscribers,
        sum(case when is_churned_next_month then 1 else 0 end) as churned_next_month,
        {{ lifecycle_share('sum(case when is_churned_next_month then 1 else 0 end)', 'count(*)') }} as churn_rate
    from cohorts
    group by report_month, tenure_cohort, value_tier

)

select * from final
order by report_month, tenure_cohort, value_tier
