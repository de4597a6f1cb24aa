{#- Date arithmetic on Spark, with DuckDB's semantics (the reference target). dbt-spark's
    own dateadd/datediff go through unix seconds, fail on a null date (assert_not_null)
    and count months with months_between; these keep nulls null and give DuckDB's types:
    dateadd returns a timestamp (as DuckDB's date + interval does), datediff counts the
    boundaries crossed between the two values (months: 2025-01-31 to 2025-02-01 is 1). -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- set n = 'cast(' ~ interval ~ ' as int)' -%}
    {%- set intervals = {
        'year': 'make_ym_interval(' ~ n ~ ', 0)',
        'quarter': 'make_ym_interval(0, 3 * ' ~ n ~ ')',
        'month': 'make_ym_interval(0, ' ~ n ~ ')',
        'week': 'make_dt_interval(7 * ' ~ n ~ ')',
        'day': 'make_dt_interval(' ~ n ~ ')',
        'hour': 'make_dt_interval(0, ' ~ n ~ ')',
        'minute': 'make_dt_interval(0, 0, ' ~ n ~ ')',
        'second': 'make_dt_interval(0, 0, 0, ' ~ n ~ ')',
    } -%}
    {%- if datepart not in intervals -%}
        {{ exceptions.raise_compiler_error("dateadd: datepart '" ~ datepart ~ "' is not supported on Spark") }}
    {%- endif -%}
    (cast({{ from_date_or_timestamp }} as timestamp) + {{ intervals[datepart] }})
{%- endmacro %}

{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set first, second = '(' ~ first_date ~ ')', '(' ~ second_date ~ ')' -%}
    {%- if datepart == 'day' -%}
        datediff(cast({{ second }} as date), cast({{ first }} as date))
    {%- elif datepart == 'month' -%}
        ((year({{ second }}) - year({{ first }})) * 12 + month({{ second }}) - month({{ first }}))
    {%- elif datepart == 'quarter' -%}
        ((year({{ second }}) - year({{ first }})) * 4 + quarter({{ second }}) - quarter({{ first }}))
    {%- elif datepart == 'year' -%}
        (year({{ second }}) - year({{ first }}))
    {%- else -%}
        {{ exceptions.raise_compiler_error("datediff: datepart '" ~ datepart ~ "' is not supported on Spark") }}
    {%- endif -%}
{%- endmacro %}

{#- The last day of the month (quarter, year) of a date, as a date. -#}
{% macro spark__last_day(date, datepart) -%}
    {%- if datepart == 'month' -%}
        last_day({{ date }})
    {%- else -%}
        cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
    {%- endif -%}
{%- endmacro %}
