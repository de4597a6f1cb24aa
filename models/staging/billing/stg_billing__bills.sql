with

judged as (

    select * from {{ ref('base_billing__bills') }}

),

final as (

    select
        bill_month,
        subscriber_id,
        total_fee,
        plan_fee,
        voice_fee,
        data_fee,
        sms_fee,
        vas_fee,
        roaming_fee,
        discount_fee,
        paid_fee,
        arrears_fee

    from judged
    where reject_reason is null

)

select * from final
