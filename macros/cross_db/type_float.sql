{#- dbt.type_float() is `float` everywhere, which is a 4-byte float on DuckDB but an 8-byte
    double precision on PostgreSQL (and Spark's `float` is 4 bytes too). Landing volumes are
    doubles: keep them doubles on every target, so no target rounds them to ~7 digits. -#}
{% macro duckdb__type_float() -%}
    double
{%- endmacro %}

{% macro spark__type_float() -%}
    double
{%- endmacro %}
