{#- VAD mix of the mid-to-high-value base (中高价值客户VAD结构) per month: subscribers and
    share by VAD class. -#}
with

classes as (

    select
        tag_month as mix_month,
        vad_class
    from {{ ref('tag_vad_class') }}
    where vad_class is not null

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
