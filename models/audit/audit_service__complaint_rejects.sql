with

judged as (

    select * from {{ ref('base_service__complaints') }}

),

final as (

    select * from judged
    where reject_reason is not null

)

select * from final
