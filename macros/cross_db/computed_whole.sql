{#- Written between the name and the body of a CTE: `joined as {{ computed_whole() }} (`.
    On DuckDB the CTE is computed whole, and the hash tables of its joins freed, before the
    rest of the query reads it; otherwise every join of a long chain holds its hash table
    at once. The lifecycle view uses it twice: before its sort (at 1M subscribers it ran
    out of 12 GB sorting straight out of its joins; fenced it peaked at 11.8 GB and cost
    ~6% more), and between its first four joins and its last four (at 10M subscribers x
    3 months the eight at once ran out of 12 GB; split, they complete). PostgreSQL and
    Spark spill or stream their joins: nothing there. -#}
{% macro computed_whole() -%}
    {{ return(adapter.dispatch('computed_whole', 'subscriber_ops')()) }}
{%- endmacro %}

{% macro default__computed_whole() -%}
{%- endmacro %}

{% macro duckdb__computed_whole() -%}
    {{ return('materialized') }}
{%- endmacro %}
