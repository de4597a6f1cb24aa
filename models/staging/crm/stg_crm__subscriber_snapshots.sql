with

judged as (

    select * from {{ ref('base_crm__subscriber_snapshots') }}

),

final as (

    select
        snapshot_month,
        subscriber_id,
        subscriber_key,
        msisdn_key,
        msisdn_masked,
        cert_key,
        gender,
        birth_month,
        birth_day,
        age_band,
        open_date,
        status,
        status_date,
        close_reason,
        plan_id,
        customer_type,
        region_code,
        acquisition_channel,
        is_premium_number,
        contract_end_date,
        family_group_id,
        has_5g_device,
        is_realname_verified,
        risk_flag,
        has_marketing_consent,
        is_dnd_registered

    from judged
    where reject_reason is null

)

select * from final
