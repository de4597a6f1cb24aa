{#- The last day the landing data can speak of: the end of the latest CRM snapshot
    month. A fact dated after it is in the future and is quarantined. -#}
with

snapshots as (

    select snapshot_month from {{ ref('stg_crm__subscriber_snapshots') }}

),

final as (

    select {{ dbt.last_day('max(snapshot_month)', 'month') }} as horizon_date
    from snapshots

)

select * from final
