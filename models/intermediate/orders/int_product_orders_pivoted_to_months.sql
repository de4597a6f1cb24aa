{#- Product holdings at each month end, replayed from the whole order history (orders placed
    before the window give the opening holdings). Products of one type share a slot per
    product, except the main tariff plan (types plan and converged), which is one slot: a
    change of plan replaces the plan held before. In its slot the latest order effective
    by the month end decides: a subscribe or change_plan holds the product until its
    expire_date (null = open-ended), an unsubscribe ends it. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='holding_month',
    partition_by=lifecycle_partition_by('holding_month'),
    on_schema_change='append_new_columns',
) }}

{%- set flags = {
    'has_broadband': "product_type = 'broadband'",
    'has_family_plan': "product_type = 'family'",
    'has_converged_bundle': "product_type = 'converged'",
    'has_vnet': "product_type = 'vnet'",
    'has_contract': "product_type = 'contract'",
    'has_benefits_membership': "product_type = 'benefits'",
    'has_vas': "product_type = 'vas'",
    'has_data_pack': "product_type = 'data_pack'",
    'has_5g_plan': "product_type in ('plan', 'converged') and network = '5g'",
} -%}

with

product_orders as (

    select * from {{ ref('stg_orders__product_orders') }}

),

products as (

    select * from {{ ref('products') }}

),

snapshots as (

    select * from {{ ref('stg_crm__subscriber_snapshots') }}
    where {{ lifecycle_window_filter('snapshot_month') }}

),

month_ends as (

    select distinct
        snapshot_month as holding_month,
        cast({{ dbt.last_day('snapshot_month', 'month') }} as date) as month_end_date

    from snapshots

),

slotted as (

    select
        product_orders.subscriber_id,
        product_orders.order_id,
        product_orders.order_action,
        product_orders.ordered_at,
        product_orders.effective_date,
        product_orders.expire_date,
        products.product_type,
        products.network,
        case
            when products.product_type in ('plan', 'converged') then 'main_plan'
            else product_orders.product_id
        end as holding_slot

    from product_orders
    inner join products on product_orders.product_id = products.product_id

),

superseded as (

    select
        *,
        coalesce(
            lead(effective_date) over (
                partition by subscriber_id, holding_slot
                order by effective_date, ordered_at, order_id
            ),
            cast('9999-12-31' as date)
        ) as superseded_date

    from slotted

),

held as (

    select
        superseded.subscriber_id,
        month_ends.holding_month,
        superseded.product_type,
        superseded.network,
        superseded.expire_date

    from superseded
    inner join month_ends
        on
            superseded.effective_date <= month_ends.month_end_date
            and superseded.superseded_date > month_ends.month_end_date
    where
        superseded.order_action <> 'unsubscribe'
        and coalesce(superseded.expire_date, cast('9999-12-31' as date)) >= month_ends.month_end_date

),

final as (

    select
        subscriber_id,
        holding_month,
        {%- for flag, condition in flags.items() %}
        max(case when {{ condition }} then 1 else 0 end) = 1 as {{ flag }},
        {%- endfor %}
        max(case when product_type = 'contract' then expire_date end) as contract_end_date

    from held
    group by subscriber_id, holding_month

)

select * from final
