{#- dbt.date_trunc on PostgreSQL: DuckDB truncates a date or timestamp to a timestamp;
    PostgreSQL would turn a date into a timestamp with time zone (in the session's zone).
    Truncate as timestamp so both targets give the same type and value. -#}
{% macro postgres__date_trunc(datepart, date) -%}
    date_trunc('{{ datepart }}', cast({{ date }} as timestamp))
{%- endmacro %}
