-- A dispatch list holds only treatment targets of its own channel, never the control group,
-- and every treatment target of the planned month is on exactly one list.
with

dispatched as (

    select
        'sms' as dispatch_channel,
        campaign_month,
        subscriber_key,
        campaign_id
    from {{ ref('dispatch_sms') }}
    union all
    select
        'outbound_call' as dispatch_channel,
        campaign_month,
        subscriber_key,
        campaign_id
    from {{ ref('dispatch_outbound_call') }}
    union all
    select
        'app_push' as dispatch_channel,
        campaign_month,
        subscriber_key,
        campaign_id
    from {{ ref('dispatch_app_push') }}
    union all
    select
        'wechat' as dispatch_channel,
        campaign_month,
        subscriber_key,
        campaign_id
    from {{ ref('dispatch_wechat') }}
    union all
    select
        'store' as dispatch_channel,
        campaign_month,
        subscriber_key,
        campaign_id
    from {{ ref('dispatch_store') }}

),

planned as (

    select * from {{ ref('campaign_targets') }}
    where
        target_group = 'treatment'
        and campaign_month = {{ campaign_planned_month() }}

),

final as (

    select
        coalesce(dispatched.subscriber_key, planned.subscriber_key) as subscriber_key,
        dispatched.dispatch_channel,
        planned.channel_code,
        planned.target_group
    from dispatched
    full outer join planned
        on
            dispatched.campaign_month = planned.campaign_month
            and dispatched.subscriber_key = planned.subscriber_key
            and dispatched.campaign_id = planned.campaign_id
            and dispatched.dispatch_channel = planned.channel_code

)

select * from final
where dispatch_channel is null or channel_code is null
