{#- A join key for `column` that a hash join holds in fewer bytes. On DuckDB the 64-hex
    subscriber_key is stored out of line in every row of a join's hash table; subscriber_tags_wide
    joins ten tag families on it at once, and at 1M subscribers their tables ran out of
    12 GB. hash() is 8 bytes. Two keys of one month with the same hash would give the model
    a duplicate (key, month) row, which its unique test fails; at 10M subscribers a month
    has about a 3-in-a-million chance of one. PostgreSQL and Spark spill their joins: the
    column itself. -#}
{% macro compact_join_key(column) -%}
    {{ return(adapter.dispatch('compact_join_key', 'subscriber_ops')(column)) }}
{%- endmacro %}

{% macro default__compact_join_key(column) -%}
    {{ return(column) }}
{%- endmacro %}

{% macro duckdb__compact_join_key(column) -%}
    {{ return('hash(' ~ column ~ ')') }}
{%- endmacro %}
