{#- The planner's campaign seeds hold together: every list fits campaign_rule_max_terms, all
    rules together test at most campaign_rule_max_conditions distinct tag conditions, every
    rule term names a registered tag, every campaign has a positive rule term and an allowed
    outbound marketing channel with a policy row, shares and priorities are in range, the
    policy has exactly one total row and windows the campaign models read history for. -#}
{%- set max_terms = var('campaign_rule_max_terms') -%}
{%- set max_conditions = var('campaign_rule_max_conditions') -%}
{%- set history_days = 28 * (var('campaign_history_months') | int) -%}

with

campaigns as (

    select * from {{ ref('campaigns') }}

),

rule_terms as (

    select * from {{ ref('int_campaign_rule_terms_split') }}

),

campaign_channels as (

    select * from {{ ref('int_campaign_channels_split') }}

),

channels as (

    select * from {{ ref('channels') }}

),

contact_policy as (

    select * from {{ ref('contact_policy') }}

),

tag_catalog as (

    select * from {{ ref('tag_catalog') }}

),

positive_terms as (

    select distinct campaign_id
    from rule_terms
    where term_kind in ('required', 'any')

),

total_rows as (

    select count(*) as total_rows
    from contact_policy
    where policy_scope = 'total'

),

problems as (

    {%- for column in ['required_tags', 'any_tags', 'excluded_tags', 'allowed_channels'] %}
    select
        campaign_id as subject,
        '{{ column }} holds more than {{ max_terms }} terms' as problem
    from campaigns
    where {{ list_terms_count(column) }} > {{ max_terms }}
    union all
    {%- endfor %}
    select
        campaign_id as subject,
        'rule term ' || term_text || ' is beyond the {{ max_conditions }} distinct tag conditions of all rules'
            as problem
    from rule_terms
    where condition_bit is null
    union all
    select
        rule_terms.campaign_id as subject,
        'rule term ' || rule_terms.term_text || ' names no registered tag' as problem
    from rule_terms
    left join tag_catalog on rule_terms.tag_code = tag_catalog.tag_code
    where tag_catalog.tag_code is null
    union all
    select
        campaigns.campaign_id as subject,
        'no required or any term: the rule would select every subscriber' as problem
    from campaigns
    left join positive_terms on campaigns.campaign_id = positive_terms.campaign_id
    where positive_terms.campaign_id is null
    union all
    select
        campaign_channels.campaign_id as subject,
        'channel ' || campaign_channels.channel_code || ' is not an outbound marketing channel with a policy row'
            as problem
    from campaign_channels
    left join channels on campaign_channels.channel_code = channels.channel_code
    left join contact_policy
        on
            campaign_channels.channel_code = contact_policy.channel_code
            and contact_policy.policy_scope = 'channel'
    where not coalesce(channels.is_outbound_marketing, false) or contact_policy.channel_code is null
    union all
    select
        campaign_id as subject,
        'control_share outside [0, 0.5], priority below 1 or end before start' as problem
    from campaigns
    where
        control_share < 0
        or control_share > 0.5
        or priority < 1
        or end_date < start_date
    union all
    select
        'contact_policy' as subject,
        'expected exactly one total row, found ' || cast(total_rows as {{ dbt.type_string() }}) as problem
    from total_rows
    where total_rows <> 1
    union all
    select
        coalesce(channel_code, 'total') as subject,
        'lookback_days or complaint_cooloff_days beyond the {{ history_days }} days of history the models read'
            as problem
    from contact_policy
    where lookback_days > {{ history_days }} or complaint_cooloff_days > {{ history_days }}

)

select * from problems
