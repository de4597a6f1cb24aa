{#- dbt's safe_cast falls back to a plain cast on DuckDB; a value that does not fit
    its type must become null so staging can quarantine the row with a reason. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- PostgreSQL has no try_cast: subops_try_cast (created by the on-run-start hook, see
    macros/postgres/helper_functions.sql) returns null where a value does not fit. A value
    of the target type itself passes through an inlined identity; a decimal(p, s) that
    does not fit p digits becomes null too, as on DuckDB. -#}
{% macro postgres__safe_cast(field, type) -%}
    {%- set call = target.schema ~ '.subops_try_cast(' ~ field ~ ', cast(null as ' ~ type ~ '))' -%}
    {%- set decimal = modules.re.match('^\s*(decimal|numeric)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)\s*$', type, modules.re.I) -%}
    {%- if decimal -%}
        {%- set precision, scale = decimal.group(2) | int, decimal.group(3) | int -%}
        cast(case when abs(round({{ call }}, {{ scale }})) < 1e{{ precision - scale }} then {{ call }} end as {{ type }})
    {%- else -%}
        {{ call }}
    {%- endif -%}
{%- endmacro %}

{#- dbt-spark's safe_cast is a plain cast, null on a bad value only while ANSI mode is off
    (dbt-spark turns it off); try_cast says what is meant whatever the mode. -#}
{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
