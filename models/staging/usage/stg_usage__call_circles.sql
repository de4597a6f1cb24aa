with

judged as (

    select * from {{ ref('base_usage__call_circles') }}

),

final as (

    select
        circle_month,
        subscriber_id,
        circle_size,
        on_net_contacts,
        off_net_contacts

    from judged
    where reject_reason is null

)

select * from final
