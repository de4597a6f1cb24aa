-- Every candidate is exactly one of: a target, an exclusion (with one reason); nothing else is.
with

candidates as (

    select
        campaign_month,
        campaign_id,
        subscriber_key
    from {{ ref('campaign_candidates') }}

),

outcomes as (

    select
        campaign_month,
        campaign_id,
        subscriber_key,
        'target' as outcome
    from {{ ref('campaign_targets') }}
    union all
    select
        campaign_month,
        campaign_id,
        subscriber_key,
        'exclusion' as outcome
    from {{ ref('campaign_exclusions') }}

),

counted as (

    select
        coalesce(candidates.campaign_month, outcomes.campaign_month) as campaign_month,
        coalesce(candidates.campaign_id, outcomes.campaign_id) as campaign_id,
        coalesce(candidates.subscriber_key, outcomes.subscriber_key) as subscriber_key,
        count(candidates.subscriber_key) as candidate_rows,
        count(outcomes.subscriber_key) as outcome_rows
    from candidates
    full outer join outcomes
        on
            candidates.campaign_month = outcomes.campaign_month
            and candidates.campaign_id = outcomes.campaign_id
            and candidates.subscriber_key = outcomes.subscriber_key
    group by
        coalesce(candidates.campaign_month, outcomes.campaign_month),
        coalesce(candidates.campaign_id, outcomes.campaign_id),
        coalesce(candidates.subscriber_key, outcomes.subscriber_key)

)

select * from counted
where candidate_rows <> 1 or outcome_rows <> 1
