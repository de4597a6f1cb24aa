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

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

products as (

    select * from {{ ref('products') }}

),

indexed as (

    select
        subscriber_key,
        report_month,
        {{ dbt.datediff("cast('2000-01-01' as date)", 'report_month', 'month') }} as month_index,
        coalesce(complaint_network_count, 0) > 0 as has_network_complaint
    from subscriber_months

),

complaint_histories as (

    select
        subscriber_key,
        report_month,
        month_index,
        -- the latest month up to this one with a network complaint
        max(case when has_network_complaint then month_index end) over (
            partition by subscriber_key order by month_index
            rows between unbounded preceding and current row
        ) as last_network_complaint_month_index
    from indexed

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
        coalesce(
            complaint_histories.month_index - complaint_histories.last_network_complaint_month_index
            < {{ var('persona_complaint_lookback_months') }},
            false
        )
        or coalesce(subscriber_months.dropped_calls, 0) >= {{ var('persona_dropped_calls') }}
            as persona_experience_sensitive,
        coalesce(subscriber_months.has_benefits_membership, false)
        or (
            coalesce(subscriber_months.has_vas, false)
            and coalesce(subscriber_months.vas_events, 0) >= {{ var('persona_vas_events') }}
        ) as persona_benefits_dependent
    from subscriber_months
    inner join complaint_histories
        on
            subscriber_months.subscriber_key = complaint_histories.subscriber_key
            and subscriber_months.report_month = complaint_histories.report_month
    left join products on subscriber_months.plan_id = products.product_id

)

select * from final
