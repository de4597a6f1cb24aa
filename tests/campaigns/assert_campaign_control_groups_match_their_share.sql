-- Each campaign's control group is round(targets x control_share) of its targets in every month.
with

groups as (

    select
        campaign_month,
        campaign_id,
        count(*) as targets,
        sum(case when target_group = 'control' then 1 else 0 end) as control_targets
    from {{ ref('campaign_targets') }}
    group by campaign_month, campaign_id

),

campaigns as (

    select * from {{ ref('campaigns') }}

),

final as (

    select
        groups.campaign_month,
        groups.campaign_id,
        groups.targets,
        groups.control_targets,
        campaigns.control_share
    from groups
    inner join campaigns on groups.campaign_id = campaigns.campaign_id
    where groups.control_targets <> floor(groups.targets * campaigns.control_share + 0.5)

)

select * from final
