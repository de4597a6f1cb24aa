{#- The contact policy (接触策略) applied to every candidate: one flag per rule and the
    first rule it breaks, in this order of precedence:
      no_consent        no marketing consent (tag dnd_no_consent);
      dnd               on the do-not-disturb register, or a marketing-harassment complaint
                        within dnd_harassment_lookback_months (tags dnd_registered,
                        dnd_harassment_complaint);
      fraud_risk        a risk flag (tag dnd_fraud_risk);
      complaint_cooloff a complaint opened within the policy's complaint_cooloff_days
                        before the campaign month;
      holds_product     already holds the campaign's product at the tag month's end and it
                        does not run out before the campaign month ends (a main plan also
                        counts from the CRM snapshot);
      channel_cap       every allowed channel has reached its per-channel cap of contacts
                        in its lookback_days before the campaign month;
      total_cap         the contacts on all outbound marketing channels in the total
                        lookback_days have reached the total cap.
    The candidate's channel is its best channel under the cap (int_campaign_channels_scored). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='campaign_month',
    partition_by=lifecycle_partition_by('campaign_month'),
    on_schema_change='fail',
) }}

with

candidates as (

    select * from {{ ref('campaign_candidates') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

dnd_tags as (

    select
        subscriber_key,
        tag_month,
        max(case when tag_code = 'dnd_no_consent' then 1 else 0 end) = 1 as has_no_consent,
        max(case when tag_code in ('dnd_registered', 'dnd_harassment_complaint') then 1 else 0 end) = 1
            as is_dnd,
        max(case when tag_code = 'dnd_fraud_risk' then 1 else 0 end) = 1 as has_fraud_risk
    from {{ ref('subscriber_tags') }}
    where
        tag_family = 'do_not_disturb'
        and {{ lifecycle_window_filter('tag_month') }}
    group by subscriber_key, tag_month

),

subscriber_months as {{ not_materialized() }} (

    select
        subscriber_id,
        subscriber_key,
        report_month,
        plan_id
    from {{ ref('int_subscriber_months_spined') }}
    where {{ lifecycle_window_filter('report_month') }}

),

holdings as (

    select * from {{ ref('int_product_holdings_spanned') }}

),

complaints as (

    select * from {{ ref('stg_service__complaints') }}
    where {{ lifecycle_window_filter('created_month', lookback_months=var('campaign_history_months') | int) }}

),

histories as (

    select * from {{ ref('int_campaign_contact_histories') }}
    where {{ lifecycle_window_filter('tag_month') }}

),

best_channels as (

    select * from {{ ref('int_campaign_channels_scored') }}
    where
        channel_rank = 1
        and {{ lifecycle_window_filter('tag_month') }}

),

total_policy as (

    select
        max_contacts as total_cap,
        complaint_cooloff_days
    from {{ ref('contact_policy') }}
    where policy_scope = 'total'

),

keyed as (

    select
        candidates.*,
        subscriber_months.subscriber_id,
        subscriber_months.plan_id,
        cast({{ dbt.last_day('candidates.tag_month', 'month') }} as date) as tag_month_end_date,
        cast({{ dbt.last_day('candidates.campaign_month', 'month') }} as date) as campaign_month_end_date
    from candidates
    inner join subscriber_months
        on
            candidates.subscriber_key = subscriber_months.subscriber_key
            and candidates.tag_month = subscriber_months.report_month

),

held_products as (

    select distinct
        keyed.campaign_month,
        keyed.campaign_id,
        keyed.subscriber_key
    from keyed
    inner join holdings
        on
            keyed.subscriber_id = holdings.subscriber_id
            and keyed.product_id = holdings.product_id
            and keyed.tag_month_end_date >= holdings.held_from_date
            and keyed.tag_month_end_date < holdings.held_until_date
    where holdings.expire_date is null or holdings.expire_date > keyed.campaign_month_end_date

),

last_complaints as (

    select
        subscriber_months.subscriber_key,
        subscriber_months.report_month as tag_month,
        max(complaints.created_date) as last_complaint_date
    from complaints
    inner join subscriber_months
        on
            complaints.subscriber_id = subscriber_months.subscriber_id
            and complaints.created_date < {{ dbt.dateadd('month', 1, 'subscriber_months.report_month') }}
    group by subscriber_months.subscriber_key, subscriber_months.report_month

),

total_contacts as (

    select
        campaign_month,
        subscriber_key,
        sum(total_window_contacts) as total_window_contacts
    from histories
    group by campaign_month, subscriber_key

),

checked as (

    select
        keyed.campaign_month,
        keyed.tag_month,
        keyed.campaign_id,
        keyed.subscriber_key,
        keyed.product_id,
        keyed.campaign_priority,
        keyed.expected_value,
        keyed.segment_code,
        keyed.qualifying_tag_codes,
        coalesce(dnd_tags.has_no_consent, false) as has_no_consent,
        coalesce(dnd_tags.is_dnd, false) as is_dnd,
        coalesce(dnd_tags.has_fraud_risk, false) as has_fraud_risk,
        last_complaints.last_complaint_date,
        coalesce(
            last_complaints.last_complaint_date
            >= {{ dbt.dateadd('day', '-1 * total_policy.complaint_cooloff_days', 'keyed.campaign_month') }},
            false
        ) as is_in_complaint_cooloff,
        held_products.subscriber_key is not null or coalesce(keyed.plan_id = keyed.product_id, false) as holds_product,
        best_channels.channel_code,
        best_channels.rate_basis as channel_rate_basis,
        best_channels.response_rate as channel_response_rate,
        best_channels.channel_window_contacts,
        best_channels.channel_cap,
        coalesce(best_channels.is_under_channel_cap, false) as has_channel_under_cap,
        cast(coalesce(total_contacts.total_window_contacts, 0) as {{ dbt.type_int() }}) as total_window_contacts,
        total_policy.total_cap
    from keyed
    left join total_policy on 1 = 1
    left join dnd_tags
        on
            keyed.subscriber_key = dnd_tags.subscriber_key
            and keyed.tag_month = dnd_tags.tag_month
    left join held_products
        on
            keyed.campaign_month = held_products.campaign_month
            and keyed.campaign_id = held_products.campaign_id
            and keyed.subscriber_key = held_products.subscriber_key
    left join last_complaints
        on
            keyed.subscriber_key = last_complaints.subscriber_key
            and keyed.tag_month = last_complaints.tag_month
    left join best_channels
        on
            keyed.campaign_month = best_channels.campaign_month
            and keyed.campaign_id = best_channels.campaign_id
            and keyed.subscriber_key = best_channels.subscriber_key
    left join total_contacts
        on
            keyed.campaign_month = total_contacts.campaign_month
            and keyed.subscriber_key = total_contacts.subscriber_key

),

final as (

    select
        *,
        case
            when has_no_consent then 'no_consent'
            when is_dnd then 'dnd'
            when has_fraud_risk then 'fraud_risk'
            when is_in_complaint_cooloff then 'complaint_cooloff'
            when holds_product then 'holds_product'
            when not has_channel_under_cap then 'channel_cap'
            when total_cap is not null and total_window_contacts >= total_cap then 'total_cap'
        end as policy_exclusion_reason
    from checked

)

select * from final
