{#- Who each campaign's eligibility rule selects (规则命中), per tag month: all required
    terms, at least one of the any terms (when there are any), none of the excluded terms,
    matched against subscriber_tags. Incremental by month like the tags.
    Each distinct tag condition of all rules is one bit (int_campaign_rule_terms_split), so
    a subscriber-month is one bit_or over its tags and every rule is three mask tests on
    it. A separate table because the planner misjudges the rows a rule keeps: built inside
    campaign_candidates, its hash joins were built on the wrong side and ran out of 12 GB at
    10M subscribers x 3 months; on its own it takes ~30 s there. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='tag_month',
    partition_by=lifecycle_partition_by('tag_month'),
    on_schema_change='fail',
) }}

with

subscriber_tags as (

    select * from {{ ref('subscriber_tags') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

rule_terms as (

    select * from {{ ref('int_campaign_rule_terms_split') }}

),

conditions as (

    select distinct
        tag_code,
        tag_value,
        condition_bit
    from rule_terms

),

rule_masks as (

    select
        campaign_id,
        bit_or(case when term_kind = 'required' then condition_bit else 0 end) as required_mask,
        bit_or(case when term_kind = 'any' then condition_bit else 0 end) as any_mask,
        bit_or(case when term_kind = 'excluded' then condition_bit else 0 end) as excluded_mask
    from rule_terms
    group by campaign_id

),

-- one row per subscriber-month carrying any condition some rule tests
tag_masks as (

    select
        subscriber_tags.subscriber_key,
        subscriber_tags.tag_month,
        bit_or(conditions.condition_bit) as tag_mask
    from subscriber_tags
    inner join conditions
        on
            subscriber_tags.tag_code = conditions.tag_code
            and (conditions.tag_value is null or subscriber_tags.tag_value = conditions.tag_value)
    group by subscriber_tags.subscriber_key, subscriber_tags.tag_month

),

final as (

    select
        tag_masks.tag_month,
        rule_masks.campaign_id,
        tag_masks.subscriber_key,
        -- the rule's positive conditions the subscriber meets: spelled out by campaign_candidates
        tag_masks.tag_mask & (rule_masks.required_mask | rule_masks.any_mask) as matched_mask
    from tag_masks
    cross join rule_masks
    where
        (tag_masks.tag_mask & rule_masks.required_mask) = rule_masks.required_mask
        and (rule_masks.any_mask = 0 or (tag_masks.tag_mask & rule_masks.any_mask) <> 0)
        and (tag_masks.tag_mask & rule_masks.excluded_mask) = 0
        and (rule_masks.required_mask | rule_masks.any_mask) <> 0

)

select * from final
