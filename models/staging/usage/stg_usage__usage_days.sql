{#- Valid daily usage, one row per subscriber and day: the valid rows of months without a
    repeated day, plus the kept row of each repeated day. -#}
with

usage_days as (

    select * from {{ ref('base_usage__usage_days') }}
    where reject_reason is null

),

repeated_months as (

    select
        subscriber_id,
        usage_month
    from {{ ref('base_usage__usage_month_sums') }}
    where has_repeated_days

),

unrepeated as (

    select usage_days.*
    from usage_days
    left join repeated_months
        on
            usage_days.subscriber_id = repeated_months.subscriber_id
            and usage_days.usage_month = repeated_months.usage_month
    where repeated_months.subscriber_id is null

),

deduped as (

    select * from {{ ref('base_usage__usage_day_repeats') }}
    where duplicate_rank = 1

),

final as (

    {%- for relation in ['unrepeated', 'deduped'] %}
    select
        usage_date,
        usage_month,
        {%- for column in usage_count_columns() + usage_volume_columns() %}
        {{ column }},
        {%- endfor %}
        subscriber_id
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select * from final
