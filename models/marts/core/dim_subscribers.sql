{#- One row per subscriber ever seen in the CRM snapshots, keyed by its pseudonym, with the
    attributes of its latest snapshot in the landed data (a rebuild of a past month does not
    roll them back), its first and last month and how often it closed. -#}
with

snapshots as {{ not_materialized() }} (

    select * from {{ ref('stg_crm__subscriber_snapshots') }}

),

landed as (

    select max(snapshot_month) as latest_snapshot_month
    from snapshots

),

summarised as (

    select
        subscriber_id,
        min(snapshot_month) as first_month,
        max(snapshot_month) as last_month,
        count(*) as snapshot_month_count,
        sum(case when status = 'closed' then 1 else 0 end) as closure_count

    from snapshots
    group by subscriber_id

),

final as (

    select
        snapshots.subscriber_key,
        snapshots.msisdn_masked,
        snapshots.gender,
        snapshots.age_band,
        snapshots.birth_month,
        snapshots.birth_day,
        snapshots.open_date,
        snapshots.region_code,
        snapshots.customer_type,
        snapshots.acquisition_channel,
        snapshots.plan_id,
        snapshots.status,
        snapshots.status_date,
        snapshots.close_reason,
        snapshots.is_premium_number,
        snapshots.contract_end_date,
        snapshots.family_group_id,
        snapshots.has_5g_device,
        snapshots.is_realname_verified,
        snapshots.risk_flag,
        snapshots.has_marketing_consent,
        snapshots.is_dnd_registered,
        summarised.first_month,
        summarised.last_month,
        cast(summarised.snapshot_month_count as {{ dbt.type_int() }}) as snapshot_month_count,
        cast(summarised.closure_count as {{ dbt.type_int() }}) as closure_count,
        summarised.last_month = landed.latest_snapshot_month and snapshots.status <> 'closed' as is_in_base

    from snapshots
    inner join summarised
        on
            snapshots.subscriber_id = summarised.subscriber_id
            and snapshots.snapshot_month = summarised.last_month
    cross join landed

)

select * from final
