{#- Tag profile of last month's churners against stayers (流失用户标签画像).

    Question: which tags did the subscribers who left last month carry the month before,
    and how much more often than those who stayed? Profile month: the latest month whose
    next month has landed (its churn label is known) - or the var profile_month. Churners
    closed in the next month; stayers stayed. Per tag code and value: the share of
    churners and of stayers carrying it, and the ratio (>1: over-represented among
    churners - candidates for the churn warning).

    Run: dbt compile --select churner_tag_profile [--vars '{profile_month: 2025-10-01}']. -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}
    where
        status in ('active', 'suspended')
        and is_churned_next_month is not null

),

profile_month as (

    {%- if var('profile_month', none) %}
    select cast('{{ var("profile_month") }}' as date) as profile_month
    {%- else %}
    select max(report_month) as profile_month
    from subscriber_months
    {%- endif %}

),

population as (

    select
        subscriber_months.subscriber_key,
        subscriber_months.report_month,
        subscriber_months.is_churned_next_month
    from subscriber_months
    inner join profile_month on subscriber_months.report_month = profile_month.profile_month

),

group_sizes as (

    select
        sum(case when is_churned_next_month then 1 else 0 end) as churners,
        sum(case when is_churned_next_month then 0 else 1 end) as stayers
    from population

),

tags as (

    select * from {{ ref('subscriber_tags') }}

),

tagged as (

    select
        tags.tag_family,
        tags.tag_code,
        tags.tag_value,
        sum(case when population.is_churned_next_month then 1 else 0 end) as churners_tagged,
        sum(case when population.is_churned_next_month then 0 else 1 end) as stayers_tagged
    from population
    inner join tags
        on
            population.subscriber_key = tags.subscriber_key
            and population.report_month = tags.tag_month
    group by tags.tag_family, tags.tag_code, tags.tag_value

),

final as (

    select
        tagged.tag_family,
        tagged.tag_code,
        tagged.tag_value,
        tagged.churners_tagged,
        tagged.stayers_tagged,
        {{ lifecycle_share('tagged.churners_tagged', 'group_sizes.churners') }} as churner_share,
        {{ lifecycle_share('tagged.stayers_tagged', 'group_sizes.stayers') }} as stayer_share,
        {{ lifecycle_share(
            'tagged.churners_tagged * group_sizes.stayers', 'tagged.stayers_tagged * group_sizes.churners'
        ) }} as churner_to_stayer_ratio
    from tagged
    cross join group_sizes

)

select * from final
order by churner_to_stayer_ratio desc, tag_code asc, tag_value asc
