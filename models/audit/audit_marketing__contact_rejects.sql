with

judged as (

    select * from {{ ref('base_marketing__contacts') }}

),

final as (

    select * from judged
    where reject_reason is not null

)

select * from final
