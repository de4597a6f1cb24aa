with

judged as (

    select * from {{ ref('base_usage__usage_days') }}

),

final as (

    select
        usage_date,
        {{ dbt.date_trunc('month', 'usage_date') }} as usage_month,
        subscriber_id,
        voice_out_minutes,
        voice_in_minutes,
        voice_calls,
        sms_count,
        data_mb,
        data_5g_mb,
        vas_events,
        roaming_minutes,
        dropped_calls

    from judged
    where reject_reason is null

)

select * from final
