{#- Campaign response by channel and hour (分渠道分时段营销响应).

    Question: at which local hour does each channel get answered? Every outbound
    marketing contact (contacts landing table, staged), by channel and local hour of the
    contact: contacts, responses (var campaign_response_outcomes), acceptances and the
    response rate - for setting a channel's contact hours (quiet rules in the
    contact_policy seed) and the dispatch timing. Optional var response_months: the last
    this many months only (default: all landed).

    Run: dbt compile --select campaign_response_by_channel_and_hour. -#}
with

contacts as (

    select * from {{ ref('stg_marketing__contacts') }}
    where direction = 'outbound'

),

channels as (

    select * from {{ ref('channels') }}
    where is_outbound_marketing

),

latest as (

    select max(contact_month) as latest_month
    from contacts

),

scoped as (

    select
        contacts.channel_code,
        contacts.contact_local_hour,
        contacts.outcome
    from contacts
    inner join channels on contacts.channel_code = channels.channel_code
    cross join latest
    {%- if var('response_months', none) %}
    {%- set months_back = -1 * (var('response_months') | int) %}
    where contacts.contact_month > {{ dbt.dateadd('month', months_back, 'latest.latest_month') }}
    {%- endif %}

),

final as (

    select
        channel_code,
        contact_local_hour,
        count(*) as contacts,
        sum(case when outcome in {{ campaign_response_outcomes() }} then 1 else 0 end) as responses,
        sum(case when outcome = 'accepted' then 1 else 0 end) as acceptances,
        {{ lifecycle_share(
            'sum(case when outcome in ' ~ campaign_response_outcomes() ~ ' then 1 else 0 end)', 'count(*)'
        ) }} as response_rate
    from scoped
    group by channel_code, contact_local_hour

)

select * from final
order by channel_code, contact_local_hour
