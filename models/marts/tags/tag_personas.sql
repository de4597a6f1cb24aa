{#- Personas (客户画像): what moves a subscriber, from the month's bill, holdings, network
    experience and complaints.
    - Price sensitive: discounts are at least persona_discount_share of the bill before
      discounts (total_fee + discount_fee), arrears on the month's bill, or a data pack
      bought on a main plan cheaper than persona_low_plan_fee yuan.
    - Experience sensitive: a network complaint in the last
      persona_complaint_lookback_months calendar months (counting this one), or at least
      persona_dropped_calls dropped calls this month.
    - Benefits dependent: holds a benefits membership, or holds a value-added service and
      used it at least persona_vas_events times this month.
    A flag whose inputs are missing (no bill, plan not in the products seed) is false.
    Thresholds: vars persona_discount_share, persona_low_plan_fee,
    persona_complaint_lookback_months, persona_dropped_calls, persona_vas_events. -#}
with

subscriber_months as {{ not_materialized() }} (

    select * from {{ ref('fct_subscriber_months') }}

),

products as (

    select * from {{ ref('products') }}

),

indexed as {{ not_materialized() }} (

    select
        subscriber_key,
        report_month,
        {{ dbt.datediff("cast('2000-01-01' as date)", 'report_month', 'month') }} as month_index,
        coalesce(complaint_network_count, 0) > 0 as has_network_complaint
    from subscriber_months

),

network_complaint_months as (

    select
        subscriber_key,
        month_index
    from indexed
    where has_network_complaint

),

recent_network_complaints as (

    {{ months_with_recent_event('indexed', 'network_complaint_months', var('persona_complaint_lookback_months')) }}

),

final as (

    select
        subscriber_months.subscriber_key,
        subscriber_months.report_month as tag_month,
        coalesce(
            subscriber_months.discount_fee * 1.0
            / nullif(subscriber_months.total_fee + subscriber_months.discount_fee, 0)
            >= {{ var('persona_discount_share') }}
            or subscriber_months.has_arrears
            or (
                subscriber_months.has_data_pack
                and products.monthly_fee < {{ var('persona_low_plan_fee') }}
            ),
            false
        ) as persona_price_sensitive,
        recent_network_complaints.subscriber_key is not null
        or coalesce(subscriber_months.dropped_calls, 0) >= {{ var('persona_dropped_calls') }}
            as persona_experience_sensitive,
        coalesce(subscriber_months.has_benefits_membership, false)
        or (
            coalesce(subscriber_months.has_vas, false)
            and coalesce(subscriber_months.vas_events, 0) >= {{ var('persona_vas_events') }}
        ) as persona_benefits_dependent
    from subscriber_months
    left join recent_network_complaints
        on
            subscriber_months.subscriber_key = recent_network_complaints.subscriber_key
            and subscriber_months.report_month = recent_network_complaints.report_month
    left join products on subscriber_months.plan_id = products.product_id

)

select * from final
