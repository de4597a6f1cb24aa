{#- VAD mix of the mid-to-high-value base (中高价值客户VAD结构) per month: subscribers and
    share by VAD class. Incremental by month like the tags it counts. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='mix_month',
    partition_by=lifecycle_partition_by('mix_month'),
    on_schema_change='fail',
) }}

with

classes as (

    select
        tag_month as mix_month,
        vad_class
    from {{ ref('tag_vad_class') }}
    where vad_class is not null and {{ lifecycle_window_filter('tag_month') }}

),

counted as (

    select
        mix_month,
        vad_class,
        count(*) as subscribers
    from classes
    group by mix_month, vad_class

),

final as (

    select
        mix_month,
        vad_class,
        subscribers,
        {{ lifecycle_share('subscribers', 'sum(subscribers) over (partition by mix_month)') }} as share_of_base
    from counted

)

select * from final
{{ stored_in_month_order('mix_month') }}
