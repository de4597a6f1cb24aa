with

judged as (

    select * from {{ ref('base_orders__product_orders') }}

),

final as (

    select * from judged
    where reject_reason is not null

)

select * from final
