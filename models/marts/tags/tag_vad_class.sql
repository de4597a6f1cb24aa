{#- VAD class (VAD分群) of mid-to-high-value subscribers: which of high voice (V), high
    data traffic (D) and high value-added services (A) a subscriber shows in the month.
    The letters in order V, A, D give the class (VAD, VA, VD, V, AD, A, D); none of
    them is NVAD. Only subscribers in the value tiers high and mid_high are classed.
    Thresholds: vars vad_voice_min_minutes, vad_data_min_mb, vad_vas_min_events. -#}
with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

value_tiers as (

    select * from {{ ref('tag_value_tier') }}

),

flagged as (

    select
        subscriber_months.subscriber_key,
        subscriber_months.report_month as tag_month,
        coalesce(subscriber_months.voice_minutes, 0) >= {{ var('vad_voice_min_minutes') }} as is_high_voice,
        coalesce(subscriber_months.vas_events, 0) >= {{ var('vad_vas_min_events') }} as is_high_vas,
        coalesce(subscriber_months.data_mb, 0) >= {{ var('vad_data_min_mb') }} as is_high_data
    from subscriber_months
    inner join value_tiers
        on
            subscriber_months.subscriber_key = value_tiers.subscriber_key
            and subscriber_months.report_month = value_tiers.tag_month
    where value_tiers.value_tier in ('high', 'mid_high')

),

final as (

    select
        subscriber_key,
        tag_month,
        case
            when not (is_high_voice or is_high_vas or is_high_data) then 'NVAD'
            else
                {{ dbt.concat([
                    "case when is_high_voice then 'V' else '' end",
                    "case when is_high_vas then 'A' else '' end",
                    "case when is_high_data then 'D' else '' end",
                ]) }}
        end as vad_class
    from flagged

)

select * from final
