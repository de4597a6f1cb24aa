with

judged as (

    select * from {{ ref('base_billing__bills') }}

),

final as (

    select * from judged
    where reject_reason is not null

)

select * from final
