{#- Every candidate's outcome. After the contact policy (int_campaign_candidates_screened):
      arbitration: a subscriber gets at most one campaign per campaign month, the one with
        the highest priority (1 first), then the highest expected value, then the lowest
        stable hash of subscriber and campaign; the others are excluded as 'arbitration'
        with the campaign they lost to;
      channel capacity: per channel and campaign month at most daily_capacity (channels
        seed) x the days of the month targets, ranked like the arbitration across
        campaigns; the rest are excluded as 'channel_capacity'. Control targets count too:
        a list never needs more than the channel can take;
      treatment and control: per campaign and month the round(targets x control_share)
        targets with the lowest stable hash of campaign and subscriber form the control
        group (对照组), which is never contacted; the rest are treatment;
      contact window: within the campaign month and the campaign's own dates, by the
        campaign's contact_timing: before_contract_end (the campaign_contract_window_days
        days up to the contract's end), birthday_week (the birthday and the days around
        it), else the whole month; the contact hours avoid the channel's quiet hours. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='campaign_month',
    partition_by=lifecycle_partition_by('campaign_month'),
    on_schema_change='fail',
) }}

{%- set contract_days = var('campaign_contract_window_days') | int -%}
{%- set birthday_before = var('campaign_birthday_days_before') | int -%}
{%- set birthday_after = var('campaign_birthday_days_after') | int -%}

with

screened as (

    select * from {{ ref('int_campaign_candidates_screened') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

campaigns as (

    select * from {{ ref('campaigns') }}

),

channels as (

    select * from {{ ref('channels') }}

),

quiet_hours as (

    select
        channel_code,
        quiet_from_hour,
        quiet_to_hour
    from {{ ref('contact_policy') }}
    where policy_scope = 'channel'

),

subscriber_months as (

    select
        subscriber_key,
        report_month,
        contract_end_date
    from {{ ref('fct_subscriber_months') }}
    where {{ lifecycle_window_filter('report_month') }}

),

subscribers as (

    select
        subscriber_key,
        birth_month,
        birth_day
    from {{ ref('dim_subscribers') }}

),

arbitrated as (

    select
        *,
        row_number() over (
            partition by campaign_month, subscriber_key
            order by
                campaign_priority,
                expected_value desc,
                {{ stable_hash_int(dbt.concat(["'arbitration|'", 'subscriber_key', "'|'", 'campaign_id'])) }},
                campaign_id
        ) as arbitration_rank,
        first_value(campaign_id) over (
            partition by campaign_month, subscriber_key
            order by
                campaign_priority,
                expected_value desc,
                {{ stable_hash_int(dbt.concat(["'arbitration|'", 'subscriber_key', "'|'", 'campaign_id'])) }},
                campaign_id
            rows between unbounded preceding and unbounded following
        ) as winning_campaign_id
    from screened
    where policy_exclusion_reason is null

),

capacity_ranked as (

    select
        arbitrated.*,
        row_number() over (
            partition by arbitrated.campaign_month, arbitrated.channel_code
            order by
                arbitrated.campaign_priority,
                arbitrated.expected_value desc,
                {{ stable_hash_int(dbt.concat([
                    "'capacity|'", 'arbitrated.subscriber_key', "'|'", 'arbitrated.campaign_id'
                ])) }},
                arbitrated.subscriber_key
        ) as capacity_rank,
        channels.daily_capacity
        * ({{ dbt.datediff(
            'arbitrated.campaign_month', dbt.dateadd('month', 1, 'arbitrated.campaign_month'), 'day'
        ) }}) as channel_month_capacity
    from arbitrated
    inner join channels on arbitrated.channel_code = channels.channel_code
    where arbitrated.arbitration_rank = 1

),

kept as (

    select *
    from capacity_ranked
    where channel_month_capacity is null or capacity_rank <= channel_month_capacity

),

split as (

    select
        kept.campaign_month,
        kept.campaign_id,
        kept.subscriber_key,
        row_number() over (
            partition by kept.campaign_month, kept.campaign_id
            order by
                {{ stable_hash_int(dbt.concat(["'split|'", 'kept.campaign_id', "'|'", 'kept.subscriber_key'])) }},
                kept.subscriber_key
        ) as split_rank,
        count(*) over (partition by kept.campaign_month, kept.campaign_id) as campaign_targets,
        campaigns.control_share
    from kept
    inner join campaigns on kept.campaign_id = campaigns.campaign_id

),

grouped as (

    select
        campaign_month,
        campaign_id,
        subscriber_key,
        case
            when split_rank <= floor(campaign_targets * control_share + 0.5) then 'control'
            else 'treatment'
        end as target_group
    from split

),

decided as (

    select
        screened.*,
        arbitrated.winning_campaign_id,
        capacity_ranked.capacity_rank,
        grouped.target_group,
        case
            when screened.policy_exclusion_reason is not null then screened.policy_exclusion_reason
            when arbitrated.arbitration_rank > 1 then 'arbitration'
            when grouped.target_group is null then 'channel_capacity'
        end as exclusion_reason
    from screened
    left join arbitrated
        on
            screened.campaign_month = arbitrated.campaign_month
            and screened.campaign_id = arbitrated.campaign_id
            and screened.subscriber_key = arbitrated.subscriber_key
    left join capacity_ranked
        on
            screened.campaign_month = capacity_ranked.campaign_month
            and screened.campaign_id = capacity_ranked.campaign_id
            and screened.subscriber_key = capacity_ranked.subscriber_key
    left join grouped
        on
            screened.campaign_month = grouped.campaign_month
            and screened.campaign_id = grouped.campaign_id
            and screened.subscriber_key = grouped.subscriber_key

),

dated as (

    select
        decided.*,
        campaigns.contact_timing,
        greatest(decided.campaign_month, campaigns.start_date) as open_from_date,
        least(
            cast({{ dbt.last_day('decided.campaign_month', 'month') }} as date),
            coalesce(campaigns.end_date, cast({{ dbt.last_day('decided.campaign_month', 'month') }} as date))
        ) as open_until_date,
        subscriber_months.contract_end_date,
        case
            when subscribers.birth_month = {{ date_part_int('month', 'decided.campaign_month') }}
                then
                    least(
                        cast({{ dbt.dateadd('day', 'subscribers.birth_day - 1', 'decided.campaign_month') }} as date),
                        cast({{ dbt.last_day('decided.campaign_month', 'month') }} as date)
                    )
        end as birthday_date,
        quiet_hours.quiet_from_hour,
        quiet_hours.quiet_to_hour
    from decided
    inner join campaigns on decided.campaign_id = campaigns.campaign_id
    left join subscriber_months
        on
            decided.subscriber_key = subscriber_months.subscriber_key
            and decided.tag_month = subscriber_months.report_month
    left join subscribers on decided.subscriber_key = subscribers.subscriber_key
    left join quiet_hours on decided.channel_code = quiet_hours.channel_code

),

moments as (

    select
        *,
        greatest(
            open_from_date, cast({{ dbt.dateadd('day', -1 * contract_days, 'contract_end_date') }} as date)
        ) as contract_window_start_date,
        least(open_until_date, contract_end_date) as contract_window_end_date,
        greatest(
            open_from_date, cast({{ dbt.dateadd('day', -1 * birthday_before, 'birthday_date') }} as date)
        ) as birthday_window_start_date,
        least(
            open_until_date, cast({{ dbt.dateadd('day', birthday_after, 'birthday_date') }} as date)
        ) as birthday_window_end_date
    from dated

),

final as (

    select
        campaign_month,
        tag_month,
        campaign_id,
        subscriber_key,
        product_id,
        campaign_priority,
        expected_value,
        segment_code,
        qualifying_tag_codes,
        has_no_consent,
        is_dnd,
        has_fraud_risk,
        last_complaint_date,
        is_in_complaint_cooloff,
        holds_product,
        channel_window_contacts,
        channel_cap,
        has_channel_under_cap,
        total_window_contacts,
        total_cap,
        policy_exclusion_reason,
        case when exclusion_reason = 'arbitration' then winning_campaign_id end as lost_to_campaign_id,
        cast(capacity_rank as {{ dbt.type_int() }}) as capacity_rank,
        exclusion_reason,
        exclusion_reason is null as is_target,
        target_group,
        channel_code,
        channel_rate_basis,
        channel_response_rate,
        case
            when exclusion_reason is not null then null
            when contact_timing = 'before_contract_end' and contract_window_start_date <= contract_window_end_date
                then 'before_contract_end'
            when contact_timing = 'birthday_week' and birthday_window_start_date <= birthday_window_end_date
                then 'birthday_week'
            else 'default'
        end as window_basis,
        case
            when exclusion_reason is not null then null
            when contact_timing = 'before_contract_end' and contract_window_start_date <= contract_window_end_date
                then contract_window_start_date
            when contact_timing = 'birthday_week' and birthday_window_start_date <= birthday_window_end_date
                then birthday_window_start_date
            else open_from_date
        end as window_start_date,
        case
            when exclusion_reason is not null then null
            when contact_timing = 'before_contract_end' and contract_window_start_date <= contract_window_end_date
                then contract_window_end_date
            when contact_timing = 'birthday_week' and birthday_window_start_date <= birthday_window_end_date
                then birthday_window_end_date
            else open_until_date
        end as window_end_date,
        case when exclusion_reason is null then coalesce(quiet_to_hour, 0) end as contact_from_hour,
        case when exclusion_reason is null then coalesce(quiet_from_hour, 24) end as contact_to_hour
    from moments

)

select * from final
