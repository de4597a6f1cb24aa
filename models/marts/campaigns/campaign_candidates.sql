{#- Campaign candidates (候选客户): every active subscriber of a tag month that a campaign's
    eligibility rule selects, for the campaign month after it (the lists of month m + 1
    are planned from the tags of month m, the latest complete month), when the campaign
    runs in that month. The rule is data in the campaigns seed (int_campaign_rule_terms_split):
    all required terms, at least one of the any terms (when there are any), none of the
    excluded terms, each matched against subscriber_tags. Incremental by month like the tags. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='campaign_month',
    partition_by=lifecycle_partition_by('campaign_month'),
    on_schema_change='fail',
) }}

with

subscriber_tags as (

    select * from {{ ref('subscriber_tags') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

subscriber_months as (

    select
        subscriber_key,
        report_month
    from {{ ref('fct_subscriber_months') }}
    where
        status = 'active'
        and {{ lifecycle_window_filter('report_month') }}

),

segments as (

    select * from {{ ref('segment_strategy') }}
    where {{ lifecycle_window_filter('segment_month') }}

),

campaigns as (

    select * from {{ ref('campaigns') }}

),

rule_terms as (

    select * from {{ ref('int_campaign_rule_terms_split') }}

),

term_counts as (

    select
        campaign_id,
        sum(case when term_kind = 'required' then 1 else 0 end) as required_terms,
        sum(case when term_kind = 'any' then 1 else 0 end) as any_terms
    from rule_terms
    group by campaign_id

),

term_matches as (

    select
        subscriber_tags.subscriber_key,
        subscriber_tags.tag_month,
        rule_terms.campaign_id,
        rule_terms.term_kind,
        rule_terms.term_index,
        rule_terms.term_text
    from subscriber_tags
    inner join rule_terms
        on
            subscriber_tags.tag_code = rule_terms.tag_code
            and (rule_terms.tag_value is null or subscriber_tags.tag_value = rule_terms.tag_value)

),

matched as (

    select
        subscriber_key,
        tag_month,
        campaign_id,
        count(distinct case when term_kind = 'required' then term_index end) as required_matched,
        count(distinct case when term_kind = 'any' then term_index end) as any_matched,
        count(distinct case when term_kind = 'excluded' then term_index end) as excluded_matched,
        {{ ordered_listagg(
            "case when term_kind <> 'excluded' then term_text end",
            "'|'",
            ["case when term_kind = 'required' then 0 else 1 end", 'term_index'],
        ) }} as qualifying_tag_codes
    from term_matches
    group by subscriber_key, tag_month, campaign_id

),

eligible as (

    select
        matched.*,
        cast({{ dbt.dateadd('month', 1, 'matched.tag_month') }} as date) as campaign_month
    from matched
    inner join term_counts on matched.campaign_id = term_counts.campaign_id
    where
        matched.required_matched = term_counts.required_terms
        and (term_counts.any_terms = 0 or matched.any_matched > 0)
        and matched.excluded_matched = 0
        and term_counts.required_terms + term_counts.any_terms > 0

),

final as (

    select
        eligible.campaign_month,
        eligible.tag_month,
        eligible.campaign_id,
        eligible.subscriber_key,
        campaigns.product_id,
        cast(campaigns.priority as {{ dbt.type_int() }}) as campaign_priority,
        cast(campaigns.expected_value as {{ money_type() }}) as expected_value,
        segments.strategy_code as segment_code,
        eligible.qualifying_tag_codes
    from eligible
    inner join subscriber_months
        on
            eligible.subscriber_key = subscriber_months.subscriber_key
            and eligible.tag_month = subscriber_months.report_month
    inner join campaigns
        on
            eligible.campaign_id = campaigns.campaign_id
            and {{ dbt.dateadd('month', 1, 'eligible.campaign_month') }} > campaigns.start_date
            and (eligible.campaign_month <= campaigns.end_date or campaigns.end_date is null)
    left join segments
        on
            eligible.subscriber_key = segments.subscriber_key
            and eligible.tag_month = segments.segment_month

)

select * from final
