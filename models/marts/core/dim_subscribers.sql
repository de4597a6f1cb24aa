{#- One row per subscriber ever seen in the CRM snapshots, keyed by its pseudonym, with the
    attributes of its latest snapshot in the landed data (a rebuild of a past month does not
    roll them back), its first and last month and how often it closed. -#}
with

snapshots as (

    select * from {{ ref('stg_crm__subscriber_snapshots') }}

),

landed as (

    select max(snapshot_month) as latest_snapshot_month
    from snapshots

),

ranked as (

    select
        *,
        row_number() over (partition by subscriber_id order by snapshot_month desc) as recency_rank,
        min(snapshot_month) over (partition by subscriber_id) as first_month,
        max(snapshot_month) over (partition by subscriber_id) as last_month,
        count(*) over (partition by subscriber_id) as snapshot_month_count,
        sum(case when status = 'closed' then 1 else 0 end) over (partition by subscriber_id) as closure_count

    from snapshots

),

final as (

    select
        ranked.subscriber_key,
        ranked.msisdn_masked,
        ranked.gender,
        ranked.age_band,
        ranked.birth_month,
        ranked.birth_day,
        ranked.open_date,
        ranked.region_code,
        ranked.customer_type,
        ranked.acquisition_channel,
        ranked.plan_id,
        ranked.status,
        ranked.status_date,
        ranked.close_reason,
        ranked.is_premium_number,
        ranked.contract_end_date,
        ranked.family_group_id,
        ranked.has_5g_device,
        ranked.is_realname_verified,
        ranked.risk_flag,
        ranked.has_marketing_consent,
        ranked.is_dnd_registered,
        ranked.first_month,
        ranked.last_month,
        cast(ranked.snapshot_month_count as {{ dbt.type_int() }}) as snapshot_month_count,
        cast(ranked.closure_count as {{ dbt.type_int() }}) as closure_count,
        ranked.last_month = landed.latest_snapshot_month and ranked.status <> 'closed' as is_in_base

    from ranked
    cross join landed
    where ranked.recency_rank = 1

)

select * from final
