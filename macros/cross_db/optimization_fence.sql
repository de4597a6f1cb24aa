{#- Ends a CTE whose computed columns later CTEs read many times. PostgreSQL pulls simple
    subqueries and CTEs up into the query that reads them and copies their expressions into
    every place they are used; `offset 0` keeps the subquery whole, so each expression is
    computed once per row (without it churn_scores' chained reasons grew exponentially and
    the server died). DuckDB and Spark keep projections apart, so nothing there. -#}
{% macro optimization_fence() -%}
    {{ return(adapter.dispatch('optimization_fence', 'subscriber_ops')()) }}
{%- endmacro %}

{% macro default__optimization_fence() -%}
{%- endmacro %}

{#- with its leading space: written straight after the CTE's last clause -#}
{% macro postgres__optimization_fence() -%}
    {{ return(' offset 0') }}
{%- endmacro %}
