with

judged as (

    select * from {{ ref('base_usage__usage_days') }}

),

final as (

    select * from judged
    where reject_reason is not null

)

select * from final
