{#- Campaign candidates (候选客户): every active subscriber of a tag month that a campaign's
    eligibility rule selects (int_campaign_eligibility; the rule is data in the campaigns
    seed), for the campaign month after it (the lists of month m + 1 are planned from the
    tags of month m, the latest complete month), when the campaign runs in that month.
    Incremental by month like the tags. The qualifying codes are spelled once per distinct
    matched mask instead of per subscriber (a string_agg over every match costs ~6x). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='campaign_month',
    partition_by=lifecycle_partition_by('campaign_month'),
    on_schema_change='fail',
) }}

with

eligibility as (

    select
        *,
        {{ compact_join_key('subscriber_key') }} as join_key,
        cast({{ dbt.dateadd('month', 1, 'tag_month') }} as date) as campaign_month
    from {{ ref('int_campaign_eligibility') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

{# The lifecycle and segment sides carry the compact key (macros/cross_db/compact_join_key.sql):
    ~30M rows each at 10M subscribers x 3 months, where the 64-character key ran out of 12 GB. -#}
subscriber_months as (

    select
        {{ compact_join_key('subscriber_key') }} as join_key,
        report_month
    from {{ ref('fct_subscriber_months') }}
    where
        status = 'active'
        and {{ lifecycle_window_filter('report_month') }}

),

segments as (

    select
        {{ compact_join_key('subscriber_key') }} as join_key,
        segment_month,
        strategy_code
    from {{ ref('segment_strategy') }}
    where {{ lifecycle_window_filter('segment_month') }}

),

campaigns as (

    select * from {{ ref('campaigns') }}

),

rule_terms as (

    select * from {{ ref('int_campaign_rule_terms_split') }}

),

eligible_masks as (

    select distinct
        campaign_id,
        matched_mask
    from eligibility

),

-- the matched required and any terms, required first, each list in the planner's order
qualifying as (

    select
        eligible_masks.campaign_id,
        eligible_masks.matched_mask,
        {{ ordered_listagg('rule_terms.term_text', "'|'", ['rule_terms.term_order']) }} as qualifying_tag_codes
    from eligible_masks
    inner join rule_terms
        on
            eligible_masks.campaign_id = rule_terms.campaign_id
            and (eligible_masks.matched_mask & rule_terms.condition_bit) <> 0
            and rule_terms.term_kind <> 'excluded'
    group by eligible_masks.campaign_id, eligible_masks.matched_mask

),

final as (

    select
        eligibility.campaign_month,
        eligibility.tag_month,
        eligibility.campaign_id,
        eligibility.subscriber_key,
        campaigns.product_id,
        cast(campaigns.priority as {{ dbt.type_int() }}) as campaign_priority,
        cast(campaigns.expected_value as {{ money_type() }}) as expected_value,
        segments.strategy_code as segment_code,
        qualifying.qualifying_tag_codes
    from eligibility
    inner join qualifying
        on
            eligibility.campaign_id = qualifying.campaign_id
            and eligibility.matched_mask = qualifying.matched_mask
    inner join subscriber_months
        on
            eligibility.join_key = subscriber_months.join_key
            and eligibility.tag_month = subscriber_months.report_month
    inner join campaigns
        on
            eligibility.campaign_id = campaigns.campaign_id
            and {{ dbt.dateadd('month', 1, 'eligibility.campaign_month') }} > campaigns.start_date
            and (eligibility.campaign_month <= campaigns.end_date or campaigns.end_date is null)
    left join segments
        on
            eligibility.join_key = segments.join_key
            and eligibility.tag_month = segments.segment_month

)

select * from final
