{#- Do-not-disturb (免打扰): subscribers campaigns must not contact in the month. No
    marketing consent (an unknown consent counts as none), registered on the DND list, a
    marketing-harassment complaint in the last dnd_harassment_lookback_months calendar
    months (counting this one), or a risk flag (suspected fraud, blacklisted); and
    is_do_not_disturb when any of the four holds. Threshold: var
    dnd_harassment_lookback_months. -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

indexed as {{ not_materialized() }} (

    select
        subscriber_key,
        report_month,
        {{ dbt.datediff("cast('2000-01-01' as date)", 'report_month', 'month') }} as month_index,
        coalesce(has_marketing_consent, false) as has_marketing_consent,
        coalesce(is_dnd_registered, false) as is_dnd_registered,
        coalesce(risk_flag, 'none') as risk_flag,
        coalesce(complaint_marketing_harassment_count, 0) > 0 as has_harassment_complaint
    from subscriber_months

),

harassment_months as (

    select
        subscriber_key,
        month_index
    from indexed
    where has_harassment_complaint

),

recently_harassed as (

    {{ months_with_recent_event('indexed', 'harassment_months', var('dnd_harassment_lookback_months')) }}

),

flagged as (

    select
        indexed.subscriber_key,
        indexed.report_month as tag_month,
        not indexed.has_marketing_consent as dnd_no_consent,
        indexed.is_dnd_registered as dnd_registered,
        recently_harassed.subscriber_key is not null as dnd_harassment_complaint,
        indexed.risk_flag != 'none' as dnd_fraud_risk
    from indexed
    left join recently_harassed
        on
            indexed.subscriber_key = recently_harassed.subscriber_key
            and indexed.month_index = recently_harassed.month_index

),

final as (

    select
        subscriber_key,
        tag_month,
        dnd_no_consent,
        dnd_registered,
        dnd_harassment_complaint,
        dnd_fraud_risk,
        dnd_no_consent or dnd_registered or dnd_harassment_complaint or dnd_fraud_risk as is_do_not_disturb
    from flagged

)

select * from final
