{#- dbt's safe_cast falls back to a plain cast on DuckDB; a value that does not fit
    its type must become null so staging can quarantine the row with a reason. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
