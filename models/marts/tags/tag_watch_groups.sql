{#- Watch groups (重点关注群): subscribers operations keep an eye on in the month.
    - Churn warning: the churn score (models/marts/churn/churn_scores) puts the
      subscriber-month in risk band watch_churn_risk_band.
    - Value loss: value tier high or mid_high with ARPU at least
      watch_value_loss_drop_share below its 3-month baseline, or a value tier lower than
      in the previous calendar month.
    - Unstable: stability tier low, and tenure below watch_unstable_max_tenure_months or
      an off-net share of the circle of at least watch_off_net_share.
    A flag whose inputs are missing (no score, no tier, empty circle) is false.
    Thresholds: vars watch_churn_risk_band, watch_off_net_share,
    watch_value_loss_drop_share, watch_unstable_max_tenure_months. -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

value_tiers as (

    select * from {{ ref('tag_value_tier') }}

),

stability_tiers as (

    select * from {{ ref('tag_stability_tier') }}

),

churn_scores as (

    select * from {{ ref('churn_scores') }}

),

ranked_value_tiers as (

    select
        subscriber_key,
        tag_month,
        value_tier,
        case value_tier
            when 'high' then 4
            when 'mid_high' then 3
            when 'mid_low' then 2
            when 'low' then 1
        end as value_tier_rank
    from value_tiers

),

previous_value_tiers as (

    select
        subscriber_key,
        cast({{ dbt.dateadd('month', 1, 'tag_month') }} as date) as following_month,
        value_tier_rank
    from ranked_value_tiers

),

value_tier_changes as (

    {#- the previous calendar month's tier by a join on the month after it: a window would
        sort every subscriber's history, the join lets a month filter reach both sides -#}
    select
        ranked_value_tiers.subscriber_key,
        ranked_value_tiers.tag_month,
        ranked_value_tiers.value_tier,
        ranked_value_tiers.value_tier_rank,
        previous_value_tiers.value_tier_rank as previous_value_tier_rank
    from ranked_value_tiers
    left join previous_value_tiers
        on
            ranked_value_tiers.subscriber_key = previous_value_tiers.subscriber_key
            and ranked_value_tiers.tag_month = previous_value_tiers.following_month

),

features as (

    select
        subscriber_key,
        report_month,
        tenure_months,
        arpu_baseline_change_share,
        -- share of the calling circle on other networks; null without contacts
        off_net_contacts * 1.0
        / nullif(coalesce(on_net_contacts, 0) + coalesce(off_net_contacts, 0), 0) as off_net_share
    from subscriber_months

),

final as (

    select
        features.subscriber_key,
        features.report_month as tag_month,
        coalesce(churn_scores.risk_band = '{{ var('watch_churn_risk_band') }}', false) as watch_churn_warning,
        coalesce(
            (
                value_tier_changes.value_tier in ('high', 'mid_high')
                and features.arpu_baseline_change_share <= -1 * {{ var('watch_value_loss_drop_share') }}
            )
            or value_tier_changes.value_tier_rank < value_tier_changes.previous_value_tier_rank,
            false
        ) as watch_value_loss,
        coalesce(
            stability_tiers.stability_tier = 'low'
            and (
                features.tenure_months < {{ var('watch_unstable_max_tenure_months') }}
                or features.off_net_share >= {{ var('watch_off_net_share') }}
            ),
            false
        ) as watch_unstable
    from features
    left join value_tier_changes
        on
            features.subscriber_key = value_tier_changes.subscriber_key
            and features.report_month = value_tier_changes.tag_month
    left join stability_tiers
        on
            features.subscriber_key = stability_tiers.subscriber_key
            and features.report_month = stability_tiers.tag_month
    left join churn_scores
        on
            features.subscriber_key = churn_scores.subscriber_key
            and features.report_month = churn_scores.report_month

)

select * from final
