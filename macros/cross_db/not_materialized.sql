{#- Written between a CTE's name and its body: `name as {{ not_materialized() }} (`.
    DuckDB materialises a CTE that is read more than once: every row and column of it,
    before a reader's filter or column list can reach the scan. For an import CTE over a
    big relation (every CRM snapshot, every lifecycle month) that copy costs more time and
    memory than reading the relation again, so such a CTE is inlined on DuckDB. PostgreSQL
    and Spark keep their own plans. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'subscriber_ops')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    {{ return('not materialized') }}
{%- endmacro %}
