with

judged as (

    select * from {{ ref('base_crm__subscriber_snapshots') }}

),

final as (

    select * from judged
    where reject_reason is not null

)

select * from final
