{#- Every subscriber with a valid CRM snapshot, once: the list the other landings are
    judged against (orphan_subscriber). Stored, so the seven judged landings probe one
    small table instead of each grouping the whole snapshot history again. -#}
{{ config(materialized='table') }}

with

snapshots as (

    select subscriber_id from {{ ref('stg_crm__subscriber_snapshots') }}

),

final as (

    select distinct subscriber_id
    from snapshots

)

select * from final
