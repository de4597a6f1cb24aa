{#- The calling circle (交往圈) per subscriber x month: distinct contacts, on the operator's
    own network and on others'. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='circle_month',
    partition_by=lifecycle_partition_by('circle_month'),
    on_schema_change='append_new_columns',
) }}

with

call_circles as (

    select * from {{ ref('stg_usage__call_circles') }}
    where {{ lifecycle_window_filter('circle_month') }}

),

final as (

    select
        subscriber_id,
        circle_month,
        cast(sum(circle_size) as {{ dbt.type_int() }}) as circle_size,
        cast(sum(on_net_contacts) as {{ dbt.type_int() }}) as on_net_contacts,
        cast(sum(off_net_contacts) as {{ dbt.type_int() }}) as off_net_contacts

    from call_circles
    group by subscriber_id, circle_month

)

select * from final
{{ stored_in_month_order('circle_month') }}
