with

judged as (

    select * from {{ ref('base_marketing__contacts') }}

),

final as (

    select
        contact_id,
        subscriber_id,
        contacted_at,
        contact_date,
        {{ dbt.date_trunc('month', 'contact_date') }} as contact_month,
        contact_local_hour,
        channel_code,
        direction,
        campaign_id,
        product_id,
        outcome

    from judged
    where reject_reason is null

)

select * from final
