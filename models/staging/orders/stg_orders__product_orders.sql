with

judged as (

    select * from {{ ref('base_orders__product_orders') }}

),

final as (

    select
        order_id,
        subscriber_id,
        product_id,
        order_action,
        ordered_at,
        order_date,
        {{ dbt.date_trunc('month', 'order_date') }} as order_month,
        effective_date,
        expire_date,
        channel_code,
        campaign_id

    from judged
    where reject_reason is null

)

select * from final
