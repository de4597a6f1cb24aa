{#- Every allowed channel of every candidate, scored for the channel choice (渠道偏好):
    the subscriber's own response rate on the channel over the last
    campaign_history_months months when it got at least campaign_channel_min_own_contacts
    contacts there, else the response rate of its segment (strategy_code) on the channel
    over the same months, else 0. channel_rank 1 is the best channel still under its
    per-channel cap (contact policy): highest rate, then the cheaper contact, then the
    order the planner listed the channels in. When every allowed channel is at its cap,
    rank 1 is a capped one and the policy excludes the candidate (channel_cap). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='campaign_month',
    partition_by=lifecycle_partition_by('campaign_month'),
    on_schema_change='fail',
) }}

{%- set min_own_contacts = var('campaign_channel_min_own_contacts') -%}

with

candidates as (

    select * from {{ ref('campaign_candidates') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

histories as (

    select * from {{ ref('int_campaign_contact_histories') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

segments as (

    select * from {{ ref('segment_strategy') }}
    where {{ lifecycle_window_filter('segment_month') }}

),

campaign_channels as (

    select * from {{ ref('int_campaign_channels_split') }}

),

channels as (

    select * from {{ ref('channels') }}
    where is_outbound_marketing

),

channel_caps as (

    select
        channel_code,
        max_contacts
    from {{ ref('contact_policy') }}
    where policy_scope = 'channel'

),

segment_rates as (

    select
        histories.campaign_month,
        segments.strategy_code as segment_code,
        histories.channel_code,
        {{ lifecycle_share('sum(histories.history_responses)', 'sum(histories.history_contacts)') }}
            as segment_response_rate
    from histories
    inner join segments
        on
            histories.subscriber_key = segments.subscriber_key
            and histories.tag_month = segments.segment_month
    group by histories.campaign_month, segments.strategy_code, histories.channel_code

),

scored as (

    select
        candidates.campaign_month,
        candidates.tag_month,
        candidates.campaign_id,
        candidates.subscriber_key,
        campaign_channels.channel_code,
        campaign_channels.channel_order,
        channels.cost_per_contact,
        coalesce(histories.channel_window_contacts, 0) as channel_window_contacts,
        channel_caps.max_contacts as channel_cap,
        coalesce(histories.history_contacts, 0) as own_contacts,
        coalesce(histories.history_responses, 0) as own_responses,
        case
            when coalesce(histories.history_contacts, 0) >= {{ min_own_contacts }}
                then {{ lifecycle_share('histories.history_responses', 'histories.history_contacts') }}
        end as own_response_rate,
        segment_rates.segment_response_rate
    from candidates
    inner join campaign_channels on candidates.campaign_id = campaign_channels.campaign_id
    inner join channels on campaign_channels.channel_code = channels.channel_code
    left join channel_caps on campaign_channels.channel_code = channel_caps.channel_code
    left join histories
        on
            candidates.campaign_month = histories.campaign_month
            and candidates.subscriber_key = histories.subscriber_key
            and campaign_channels.channel_code = histories.channel_code
    left join segment_rates
        on
            candidates.campaign_month = segment_rates.campaign_month
            and candidates.segment_code = segment_rates.segment_code
            and campaign_channels.channel_code = segment_rates.channel_code

),

rated as (

    select
        *,
        channel_cap is null or channel_window_contacts < channel_cap as is_under_channel_cap,
        case
            when own_response_rate is not null then 'own_history'
            when segment_response_rate is not null then 'segment_history'
            else 'no_history'
        end as rate_basis,
        cast(coalesce(own_response_rate, segment_response_rate, 0) as {{ share_type() }}) as response_rate
    from scored

),

final as (

    select
        campaign_month,
        tag_month,
        campaign_id,
        subscriber_key,
        channel_code,
        channel_order,
        cost_per_contact,
        channel_window_contacts,
        channel_cap,
        is_under_channel_cap,
        own_contacts,
        own_responses,
        own_response_rate,
        segment_response_rate,
        rate_basis,
        response_rate,
        cast(row_number() over (
            partition by campaign_month, campaign_id, subscriber_key
            order by
                case when is_under_channel_cap then 0 else 1 end asc,
                response_rate desc,
                cost_per_contact asc,
                channel_order asc
        ) as {{ dbt.type_int() }}) as channel_rank
    from rated

)

select * from final
