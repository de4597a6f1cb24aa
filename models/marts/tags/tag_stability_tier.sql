{#- Stability tier (稳定性分层): how firmly a subscriber is bound to the network, from a
    weighted score of tenure, calling-circle size, a premium number, sticky products
    (broadband, family plan, converged bundle, V-net) and a contract. Each component is
    scaled to 0-1 (tenure and circle capped at their vars) as an exact six-decimal share
    (lifecycle_share: no engine's float or decimal-scale rules enter the score), weights
    are vars that sum to 1, and the tier cuts the score at stability_high_min_score / medium. -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

subscribers as (

    select * from {{ ref('dim_subscribers') }}

),

components as (

    select
        subscriber_months.subscriber_key,
        subscriber_months.report_month as tag_month,
        {{ lifecycle_share(
            'least(subscriber_months.tenure_months, ' ~ var('stability_tenure_cap_months') ~ ')',
            var('stability_tenure_cap_months')
        ) }} as tenure_component,
        {{ lifecycle_share(
            'least(coalesce(subscriber_months.circle_size, 0), ' ~ var('stability_circle_cap') ~ ')',
            var('stability_circle_cap')
        ) }} as circle_component,
        case when subscribers.is_premium_number then 1.0 else 0.0 end as premium_component,
        {{ lifecycle_share(
            '(case when subscriber_months.has_broadband then 1 else 0 end'
            ~ ' + case when subscriber_months.has_family_plan then 1 else 0 end'
            ~ ' + case when subscriber_months.has_converged_bundle then 1 else 0 end'
            ~ ' + case when subscriber_months.has_vnet then 1 else 0 end)',
            4
        ) }} as sticky_component,
        case when subscriber_months.has_contract then 1.0 else 0.0 end as contract_component
    from subscriber_months
    left join subscribers on subscriber_months.subscriber_key = subscribers.subscriber_key

),

scored as (

    select
        subscriber_key,
        tag_month,
        -- rounded to share_type's six decimals before the cut-offs, so every target tiers alike
        cast(round(
            {{ var('stability_weight_tenure') }} * tenure_component
            + {{ var('stability_weight_circle') }} * circle_component
            + {{ var('stability_weight_premium') }} * premium_component
            + {{ var('stability_weight_sticky') }} * sticky_component
            + {{ var('stability_weight_contract') }} * contract_component, 6
        ) as {{ share_type() }}) as stability_score
    from components

),

final as (

    select
        subscriber_key,
        tag_month,
        case
            when stability_score >= {{ var('stability_high_min_score') }} then 'high'
            when stability_score >= {{ var('stability_medium_min_score') }} then 'medium'
            else 'low'
        end as stability_tier,
        stability_score
    from scored

)

select * from final
