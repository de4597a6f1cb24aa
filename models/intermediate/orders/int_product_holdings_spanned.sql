{#- Every product holding as a span of days, replayed from the whole order history. Each
    product is a slot of its own except the main tariff plan (product types plan and
    converged), which is one slot: a change of plan replaces the plan held before. In a
    slot the latest order effective on a day decides: a subscribe or change_plan holds
    its product from effective_date until the next order of the slot or the day after
    its expire_date, whichever comes first; an unsubscribe holds nothing. -#}
with

product_orders as (

    select * from {{ ref('stg_orders__product_orders') }}

),

products as (

    select * from {{ ref('products') }}

),

slotted as (

    select
        product_orders.subscriber_id,
        product_orders.order_id,
        product_orders.product_id,
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

final as (

    select
        subscriber_id,
        order_id,
        product_id,
        product_type,
        network,
        holding_slot,
        effective_date as held_from_date,
        case
            when expire_date is not null and expire_date < superseded_date
                then cast({{ dbt.dateadd('day', 1, 'expire_date') }} as date)
            else superseded_date
        end as held_until_date,
        expire_date

    from superseded
    where order_action <> 'unsubscribe'

)

select * from final
