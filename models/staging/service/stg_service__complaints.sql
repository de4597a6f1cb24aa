with

judged as (

    select * from {{ ref('base_service__complaints') }}

),

final as (

    select
        ticket_id,
        subscriber_id,
        created_at,
        created_date,
        {{ dbt.date_trunc('month', 'created_date') }} as created_month,
        category,
        severity,
        channel_code,
        closed_at,
        is_resolved,
        satisfaction_score

    from judged
    where reject_reason is null

)

select * from final
