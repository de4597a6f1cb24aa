{#- Daily usage summed to subscriber x month: the select list shared by the first pass over
    every valid day (base_usage__usage_month_sums) and by the re-count of the few
    subscriber-months whose days repeat (int_usage_days_aggregated_to_months). A day counts
    as active when the subscriber used any service that day. -#}
{% macro usage_count_columns() -%}
    {{ return([
        'voice_out_minutes', 'voice_in_minutes', 'voice_calls', 'sms_count',
        'vas_events', 'roaming_minutes', 'dropped_calls',
    ]) }}
{%- endmacro %}

{% macro usage_volume_columns() -%}
    {{ return(['data_mb', 'data_5g_mb']) }}
{%- endmacro %}

{% macro usage_month_totals() -%}
    {%- set activity_columns = [
        'voice_out_minutes', 'voice_in_minutes', 'voice_calls', 'sms_count',
        'data_mb', 'vas_events', 'roaming_minutes',
    ] -%}
    {%- for column in usage_count_columns() %}
    cast(sum({{ column }}) as {{ dbt.type_int() }}) as {{ column }},
    {%- endfor %}
    {%- for column in usage_volume_columns() %}
    cast(sum(cast({{ column }} as {{ volume_type() }})) as {{ volume_type() }}) as {{ column }},
    {%- endfor %}
    cast(sum(case when {{ activity_columns | join(' + ') }} > 0 then 1 else 0 end) as {{ dbt.type_int() }})
        as active_days
{%- endmacro %}

{#- True for a subscriber-month in which some day has more than one valid row: the sum of
    2^day over its rows then differs from their bitwise or. One aggregate pass finds the
    repeats, so the row-by-row dedup runs only on those few subscriber-months. -#}
{% macro usage_days_repeat(date_column) -%}
    {%- set day_bit = 'cast(power(2, ' ~ date_part_int('day', date_column) ~ ') as ' ~ dbt.type_bigint() ~ ')' -%}
    sum({{ day_bit }}) <> bit_or({{ day_bit }})
{%- endmacro %}
