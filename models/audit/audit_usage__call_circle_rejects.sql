with

judged as (

    select * from {{ ref('base_usage__call_circles') }}

),

final as (

    select * from judged
    where reject_reason is not null

)

select * from final
