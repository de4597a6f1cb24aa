{#- Campaign candidates (候选客户): every active subscriber of a tag month that a campaign's
    eligibility rule selects, for the campaign month after it (the lists of month m + 1
    are planned from the tags of month m, the latest complete month), when the campaign
    runs in that month. The rule is data in the campaigns seed (int_campaign_rule_terms_split):
    all required terms, at least one of the any terms (when there are any), none of the
    excluded terms, each matched against subscriber_tags. Incremental by month like the tags.
    Matching is one bit_or per subscriber, month and campaign: each term of a campaign is
    one bit (required, any, excluded; at most 3 x campaign_rule_max_terms = 24 bits), so
    the rule is three mask comparisons, and the qualifying codes are spelled once per
    distinct mask instead of per subscriber (a string_agg over every match costs ~6x). -#}
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

term_bits as (

    select
        *,
        cast(power(2, row_number() over (
            partition by campaign_id
            order by case term_kind when 'required' then 0 when 'any' then 1 else 2 end, term_index
        ) - 1) as {{ dbt.type_bigint() }}) as term_bit
    from rule_terms

),

rule_masks as (

    select
        campaign_id,
        bit_or(case when term_kind = 'required' then term_bit else 0 end) as required_mask,
        bit_or(case when term_kind = 'any' then term_bit else 0 end) as any_mask,
        bit_or(case when term_kind = 'excluded' then term_bit else 0 end) as excluded_mask
    from term_bits
    group by campaign_id

),

matched as (

    select
        subscriber_tags.subscriber_key,
        subscriber_tags.tag_month,
        term_bits.campaign_id,
        bit_or(term_bits.term_bit) as matched_mask
    from subscriber_tags
    inner join term_bits
        on
            subscriber_tags.tag_code = term_bits.tag_code
            and (term_bits.tag_value is null or subscriber_tags.tag_value = term_bits.tag_value)
    group by subscriber_tags.subscriber_key, subscriber_tags.tag_month, term_bits.campaign_id

),

eligible as (

    select
        matched.*,
        cast({{ dbt.dateadd('month', 1, 'matched.tag_month') }} as date) as campaign_month
    from matched
    inner join rule_masks on matched.campaign_id = rule_masks.campaign_id
    where
        (matched.matched_mask & rule_masks.required_mask) = rule_masks.required_mask
        and (rule_masks.any_mask = 0 or (matched.matched_mask & rule_masks.any_mask) <> 0)
        and (matched.matched_mask & rule_masks.excluded_mask) = 0
        and (rule_masks.required_mask + rule_masks.any_mask) > 0

),

eligible_masks as (

    select distinct
        campaign_id,
        matched_mask
    from eligible

),

-- the matched required and any terms, required first, each list in the planner's order
qualifying as (

    select
        eligible_masks.campaign_id,
        eligible_masks.matched_mask,
        {{ ordered_listagg('term_bits.term_text', "'|'", ['term_bits.term_bit']) }} as qualifying_tag_codes
    from eligible_masks
    inner join term_bits
        on
            eligible_masks.campaign_id = term_bits.campaign_id
            and (eligible_masks.matched_mask & term_bits.term_bit) <> 0
            and term_bits.term_kind <> 'excluded'
    group by eligible_masks.campaign_id, eligible_masks.matched_mask

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
        qualifying.qualifying_tag_codes
    from eligible
    inner join qualifying
        on
            eligible.campaign_id = qualifying.campaign_id
            and eligible.matched_mask = qualifying.matched_mask
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
