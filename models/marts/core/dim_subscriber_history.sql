{#- Slowly changing dimension (type 2) derived from the monthly CRM snapshots: a subscriber
    gets a new version in the first month its plan_id or status differs from its previous
    snapshot. A version is valid from valid_from_month up to, not including,
    valid_to_month (the next version's first month; null for the current version). A
    closure stays the current version until the subscriber is won back. -#}
with

snapshots as (

    select * from {{ ref('stg_crm__subscriber_snapshots') }}

),

compared as (

    select
        subscriber_id,
        subscriber_key,
        snapshot_month,
        plan_id,
        status,
        lag(plan_id) over (partition by subscriber_id order by snapshot_month) as previous_plan_id,
        lag(status) over (partition by subscriber_id order by snapshot_month) as previous_status

    from snapshots

),

flagged as (

    select
        *,
        case
            when
                previous_status is null
                or previous_status <> status
                or previous_plan_id <> plan_id
                then 1
            else 0
        end as is_new_version

    from compared

),

versions as (

    {#- a version is the snapshot it starts in: plan_id and status are the same in every
        month of it (both are required in a valid snapshot). Numbering only these rows
        sorts far fewer than a running count over every snapshot. -#}
    select
        subscriber_id,
        subscriber_key,
        row_number() over (partition by subscriber_id order by snapshot_month) as version_number,
        plan_id,
        status,
        snapshot_month as valid_from_month

    from flagged
    where is_new_version = 1

),

final as (

    select
        subscriber_key,
        cast(version_number as {{ dbt.type_int() }}) as version_number,
        valid_from_month,
        lead(valid_from_month) over (partition by subscriber_id order by version_number) as valid_to_month,
        lead(valid_from_month) over (partition by subscriber_id order by version_number) is null as is_current,
        plan_id,
        status

    from versions

)

select * from final
