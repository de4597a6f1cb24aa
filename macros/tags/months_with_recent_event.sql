{#- The subscriber-months of `months` (subscriber_key, report_month, month_index) with a row
    of `events` (subscriber_key, month_index) in the last `lookback_months` calendar months,
    counting the month itself. A join to the few event months, not a window sorted over
    every subscriber's history. -#}
{% macro months_with_recent_event(months, events, lookback_months) -%}
    select distinct
        {{ months }}.subscriber_key,
        {{ months }}.report_month,
        {{ months }}.month_index
    from {{ months }}
    inner join {{ events }}
        on
            {{ months }}.subscriber_key = {{ events }}.subscriber_key
            and {{ months }}.month_index >= {{ events }}.month_index
            and {{ months }}.month_index - {{ lookback_months }} < {{ events }}.month_index
{%- endmacro %}
