-- No channel gets more targets in a campaign month than its daily capacity x the month's days.
with

targets as (

    select
        campaign_month,
        channel_code,
        count(*) as targets
    from {{ ref('campaign_targets') }}
    group by campaign_month, channel_code

),

channels as (

    select * from {{ ref('channels') }}

),

final as (

    select
        targets.campaign_month,
        targets.channel_code,
        targets.targets,
        channels.daily_capacity
        * ({{ dbt.datediff('targets.campaign_month', dbt.dateadd('month', 1, 'targets.campaign_month'), 'day') }})
            as month_capacity
    from targets
    left join channels on targets.channel_code = channels.channel_code

)

select * from final
where targets > month_capacity
