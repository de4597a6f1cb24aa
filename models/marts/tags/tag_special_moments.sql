{#- Special moments (特殊时刻): a birthday in the month, a birthday in the next month (what
    a campaign planned this month for the next one needs), a festival in the month (from
    the special_days seed the business keeps), a contract that expires within
    var special_contract_expiry_days days of the month's end. -#}
{%- set month_end = dbt.last_day('subscriber_months.report_month', 'month') -%}

with

subscriber_months as (

    select * from {{ ref('fct_subscriber_months') }}

),

subscribers as (

    select * from {{ ref('dim_subscribers') }}

),

special_days as (

    select * from {{ ref('special_days') }}

),

ranked_days as (

    select
        {{ dbt.date_trunc('month', 'special_date') }} as festival_month,
        special_day_code,
        row_number() over (
            partition by {{ dbt.date_trunc('month', 'special_date') }}
            order by special_date, special_day_code
        ) as day_rank
    from special_days

),

festival_months as (

    -- the month's first special day names the moment
    select
        festival_month,
        special_day_code as festival_code
    from ranked_days
    where day_rank = 1

),

final as (

    select
        subscriber_months.subscriber_key,
        subscriber_months.report_month as tag_month,
        case
            when subscribers.birth_month is not null
                then subscribers.birth_month = {{ date_part_int('month', 'subscriber_months.report_month') }}
        end as moment_birthday,
        case
            when subscribers.birth_month is not null
                then
                    subscribers.birth_month
                    = {{ date_part_int('month', dbt.dateadd('month', 1, 'subscriber_months.report_month')) }}
        end as moment_birthday_ahead,
        festival_months.festival_code as moment_festival,
        case
            when subscriber_months.contract_end_date is not null
                then (
                    subscriber_months.contract_end_date
                    between subscriber_months.report_month
                    and {{ dbt.dateadd('day', var('special_contract_expiry_days'), month_end) }}
                )
        end as moment_contract_expiring
    from subscriber_months
    left join subscribers on subscriber_months.subscriber_key = subscribers.subscriber_key
    left join festival_months on subscriber_months.report_month = festival_months.festival_month

)

select * from final
