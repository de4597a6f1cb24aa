{#- Scenarios (场景适配): the offers a subscriber fits in the month.
    - 4G to 5G: an active subscriber with a 5G handset on a main plan of the 4G network.
    - Broadband renewal: holds broadband and a contract ending within
      scenario_renewal_months months, counting this one.
    - Single to converged (单转融): an active individual or family subscriber on mobile
      only, with neither broadband nor a converged bundle.
    - Data pack: an active subscriber without a data pack who used at least
      scenario_quota_share of the main plan's data quota this month.
    A flag whose inputs are missing (plan not in the products seed, no quota) is false.
    Thresholds: vars scenario_renewal_months, scenario_quota_share. -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

products as (

    select * from {{ ref('products') }}

),

final as (

    select
        subscriber_months.subscriber_key,
        subscriber_months.report_month as tag_month,
        coalesce(
            subscriber_months.status = 'active'
            and subscriber_months.has_5g_device
            and products.network = '4g',
            false
        ) as scenario_4g_to_5g,
        coalesce(
            subscriber_months.has_broadband
            and subscriber_months.months_to_contract_end < {{ var('scenario_renewal_months') }},
            false
        ) as scenario_broadband_renewal,
        coalesce(
            subscriber_months.status = 'active'
            and subscriber_months.customer_type in ('individual', 'family')
            and not coalesce(subscriber_months.has_broadband, false)
            and not coalesce(subscriber_months.has_converged_bundle, false),
            false
        ) as scenario_single_to_converged,
        coalesce(
            subscriber_months.status = 'active'
            and not coalesce(subscriber_months.has_data_pack, false)
            and subscriber_months.data_mb >= {{ var('scenario_quota_share') }} * products.data_quota_mb,
            false
        ) as scenario_data_pack
    from subscriber_months
    left join products on subscriber_months.plan_id = products.product_id

)

select * from final
