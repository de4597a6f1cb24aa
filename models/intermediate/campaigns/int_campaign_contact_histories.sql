{#- Each subscriber's outbound marketing contacts before a campaign month, per channel:
    how many fall in the contact policy's cap windows (the channel's and the total's
    lookback_days before the month starts) and how many it got and answered over the
    last campaign_history_months months (its own response history, for the channel
    choice). Only contacts dated before the campaign month count: a list is planned before
    its month begins, so a rebuild gives the same list. Incremental like the candidates. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='campaign_month',
    partition_by=lifecycle_partition_by('campaign_month'),
    on_schema_change='fail',
) }}

{%- set history_months = var('campaign_history_months') | int -%}

with

subscriber_months as (

    select
        subscriber_id,
        subscriber_key,
        report_month as tag_month,
        cast({{ dbt.dateadd('month', 1, 'report_month') }} as date) as campaign_month
    from {{ ref('int_subscriber_months_spined') }}
    where {{ lifecycle_window_filter('report_month') }}

),

contacts as (

    select * from {{ ref('stg_marketing__contacts') }}
    where
        direction = 'outbound'
        and {{ lifecycle_window_filter('contact_month', lookback_months=history_months) }}

),

channels as (

    select * from {{ ref('channels') }}
    where is_outbound_marketing

),

contact_policy as (

    select * from {{ ref('contact_policy') }}

),

channel_policy as (

    select
        channel_code,
        lookback_days
    from contact_policy
    where policy_scope = 'channel'

),

total_policy as (

    select lookback_days
    from contact_policy
    where policy_scope = 'total'

),

dated as (

    select
        subscriber_months.campaign_month,
        subscriber_months.tag_month,
        subscriber_months.subscriber_key,
        contacts.channel_code,
        contacts.contact_date,
        contacts.outcome,
        {{ dbt.datediff('contacts.contact_date', 'subscriber_months.campaign_month', 'day') }} as days_before
    from contacts
    inner join channels on contacts.channel_code = channels.channel_code
    inner join subscriber_months
        on
            contacts.subscriber_id = subscriber_months.subscriber_id
            and contacts.contact_date < subscriber_months.campaign_month
            and contacts.contact_date
            >= cast({{ dbt.dateadd('month', -1 * history_months, 'subscriber_months.campaign_month') }} as date)

),

final as (

    select
        dated.campaign_month,
        dated.tag_month,
        dated.subscriber_key,
        dated.channel_code,
        cast(count(case when dated.days_before <= channel_policy.lookback_days then 1 end) as {{ dbt.type_int() }})
            as channel_window_contacts,
        cast(count(case when dated.days_before <= total_policy.lookback_days then 1 end) as {{ dbt.type_int() }})
            as total_window_contacts,
        cast(count(*) as {{ dbt.type_int() }}) as history_contacts,
        cast(count(case when dated.outcome in {{ campaign_response_outcomes() }} then 1 end) as {{ dbt.type_int() }})
            as history_responses
    from dated
    left join channel_policy on dated.channel_code = channel_policy.channel_code
    left join total_policy on 1 = 1
    group by dated.campaign_month, dated.tag_month, dated.subscriber_key, dated.channel_code

)

select * from final
