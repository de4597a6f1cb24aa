{#- PostgreSQL plans from table statistics, and a table dbt has just written has none until
    autovacuum comes by: the next model's joins are then planned for a handful of rows
    (nested loops and sorts over millions). Each stored model is analysed as its last step.
    Empty elsewhere: DuckDB and Spark keep their statistics as they write. -#}
{% macro analyze_after_build() -%}
{%- if target.type == 'postgres' and model.config.materialized in ('table', 'incremental') -%}
analyze {{ this }}
{%- endif -%}
{%- endmacro %}
